//! The catalogue's values in plain words: each enum of the data model to its page text.

use super::texts::T;
use crate::domain::catalogue::{
    BreachNotice, DataSubject, Role, Status, SubProcessorChange, TransferMechanism,
};
use crate::domain::municipalities::LocalStatus;
use crate::domain::reference::{Adequacy, Sensitivity};

pub fn role(r: Role) -> T {
    match r {
        Role::Storage => T::RoleStorage,
        Role::Processing => T::RoleProcessing,
        Role::Access => T::RoleAccess,
        Role::Support => T::RoleSupport,
    }
}

pub fn mechanism(m: TransferMechanism) -> T {
    match m {
        TransferMechanism::Eea => T::MechEea,
        TransferMechanism::Adequacy => T::MechAdequacy,
        TransferMechanism::Dpf => T::MechDpf,
        TransferMechanism::Scc => T::MechScc,
        TransferMechanism::Bcr => T::MechBcr,
        TransferMechanism::Derogation => T::MechDerogation,
        TransferMechanism::PrivacyShield => T::MechPrivacyShield,
        TransferMechanism::NoneStated => T::MechNoneStated,
    }
}

pub fn sensitivity(s: Sensitivity) -> T {
    match s {
        Sensitivity::Low => T::SensitivityLow,
        Sensitivity::Medium => T::SensitivityMedium,
        Sensitivity::High => T::SensitivityHigh,
    }
}

pub fn adequacy(a: Adequacy) -> T {
    match a {
        Adequacy::Eea => T::AdequacyEea,
        Adequacy::Full => T::AdequacyFull,
        Adequacy::Partial => T::AdequacyPartial,
        Adequacy::None => T::AdequacyNone,
    }
}

pub fn status(s: Status) -> T {
    match s {
        Status::Active => T::StatusActive,
        Status::Retired => T::StatusRetired,
        Status::Unregistered => T::StatusUnregistered,
    }
}

pub fn subject(s: DataSubject) -> T {
    match s {
        DataSubject::Pupils => T::SubjectPupils,
        DataSubject::Staff => T::SubjectStaff,
        DataSubject::Guardians => T::SubjectGuardians,
        DataSubject::ContactPersons => T::SubjectContactPersons,
    }
}

pub fn breach_notice(b: BreachNotice) -> T {
    match b {
        BreachNotice::Deadline => T::BreachDeadline,
        BreachNotice::WithoutUndueDelay => T::BreachWithoutUndueDelay,
    }
}

pub fn change(c: SubProcessorChange) -> T {
    match c {
        SubProcessorChange::PriorApproval => T::ChangePriorApproval,
        SubProcessorChange::Notice => T::ChangeNotice,
    }
}

pub fn local_status(s: LocalStatus) -> T {
    match s {
        LocalStatus::InUse => T::LocalInUse,
        LocalStatus::UnderAssessment => T::LocalUnderAssessment,
        LocalStatus::Approved => T::LocalApproved,
        LocalStatus::Rejected => T::LocalRejected,
        LocalStatus::PhasedOut => T::LocalPhasedOut,
    }
}

/// A term's label in plain words, by its field name in `Terms`.
pub fn term(name: &str) -> Option<T> {
    Some(match name {
        "deletion_days_after_end" => T::TermDeletion,
        "backup_deletion_days" => T::TermBackupDeletion,
        "inactivity_deletion_days" => T::TermInactivityDeletion,
        "breach_notice_hours" => T::TermBreachHours,
        "breach_notice" => T::TermBreachNotice,
        "sub_processor_change" => T::TermSubProcessorChange,
        "sub_processor_notice_days" => T::TermSubProcessorNotice,
        "objection_days" => T::TermObjection,
        "termination_notice_days" => T::TermTermination,
        "log_retention_days" => T::TermLogRetention,
        "security_audit_months" => T::TermSecurityAudit,
        "security_level" => T::TermSecurityLevel,
        "governing_law" => T::TermGoverningLaw,
        "venue" => T::TermVenue,
        "return_request_days" => T::TermReturnRequest,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    /// A term added to the model without a label would show its field name to people.
    #[test]
    fn every_term_has_a_label() {
        for name in crate::domain::catalogue::Terms::NAMES {
            assert!(super::term(name).is_some(), "{name}");
        }
    }
}
