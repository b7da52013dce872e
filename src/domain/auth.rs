//! Who may write what. Vendors change only their own vendor entry and services; administrators
//! change everything and alone create vendors and read the audit log.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientRole {
    Vendor,
    Admin,
}

impl ClientRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientRole::Vendor => "vendor",
            ClientRole::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<ClientRole> {
        match s {
            "vendor" => Some(ClientRole::Vendor),
            "admin" => Some(ClientRole::Admin),
            _ => None,
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub client_id: String,
    pub role: ClientRole,
    /// The vendor a vendor client acts for.
    pub vendor: Option<String>,
}

impl Actor {
    /// Shown in history and audit: the vendor or `admin`, and the client.
    pub fn label(&self) -> String {
        match (&self.role, &self.vendor) {
            (ClientRole::Vendor, Some(v)) => format!("vendor:{v}"),
            _ => "admin".to_owned(),
        }
    }
}

/// What a write touches, for the permission rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// A new vendor entry.
    NewVendor,
    /// An existing vendor entry.
    Vendor(&'a str),
    /// A service owned by this vendor (for a new service: the vendor it is filed under; for a
    /// change: both the current and the new owner must pass).
    ServiceOf(&'a str),
    AuditLog,
    /// A vendor's organisation number: its identity to Maskinporten, so a vendor setting it
    /// could decide which vendor another organisation's tokens act as.
    OrgNumber,
}

pub fn may(actor: &Actor, target: Target) -> bool {
    match actor.role {
        ClientRole::Admin => true,
        ClientRole::Vendor => {
            let own = actor.vendor.as_deref();
            match target {
                Target::NewVendor | Target::AuditLog | Target::OrgNumber => false,
                Target::Vendor(id) | Target::ServiceOf(id) => own == Some(id),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor(v: &str) -> Actor {
        Actor {
            client_id: "c".into(),
            role: ClientRole::Vendor,
            vendor: Some(v.into()),
        }
    }

    #[test]
    fn the_permission_matrix() {
        let admin = Actor {
            client_id: "a".into(),
            role: ClientRole::Admin,
            vendor: None,
        };
        let own = vendor("eldur-learning");
        let table = [
            (Target::NewVendor, false, true),
            (Target::Vendor("eldur-learning"), true, true),
            (Target::Vendor("cerpus"), false, true),
            (Target::ServiceOf("eldur-learning"), true, true),
            (Target::ServiceOf("cerpus"), false, true),
            (Target::AuditLog, false, true),
            (Target::OrgNumber, false, true),
        ];
        for (target, vendor_may, admin_may) in table {
            assert_eq!(may(&own, target), vendor_may, "vendor {target:?}");
            assert_eq!(may(&admin, target), admin_may, "admin {target:?}");
        }
        let orphan = Actor {
            client_id: "x".into(),
            role: ClientRole::Vendor,
            vendor: None,
        };
        assert!(!may(&orphan, Target::ServiceOf("eldur-learning")));
    }
}
