// The tables of migrations/{sqlite,postgres}: one schema for both engines.

diesel::table! {
    countries (code) {
        code -> Text,
        name_nb -> Text,
        name_nn -> Text,
        name_en -> Text,
        eea -> Bool,
        eu -> Bool,
        adequacy -> Text,
        adequacy_decision -> Nullable<Text>,
        adequacy_note -> Nullable<Text>,
    }
}

diesel::table! {
    attributes (name) {
        name -> Text,
        position -> Integer,
        oid -> Nullable<Text>,
        category -> Text,
        sensitivity -> Text,
        multi_valued -> Bool,
        description_nb -> Text,
        description_nn -> Text,
        description_en -> Text,
        source -> Nullable<Text>,
        sensitivity_note_nb -> Nullable<Text>,
        sensitivity_note_nn -> Nullable<Text>,
        sensitivity_note_en -> Nullable<Text>,
    }
}

diesel::table! {
    oidc_scopes (scope) {
        scope -> Text,
        position -> Integer,
        justification_required -> Bool,
        description_nb -> Text,
        description_nn -> Text,
        description_en -> Text,
    }
}

diesel::table! {
    scope_attributes (scope, attribute_name) {
        scope -> Text,
        attribute_name -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    vendors (id) {
        id -> Text,
        name -> Text,
        org_number -> Nullable<Text>,
        country -> Nullable<Text>,
        address -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        website -> Nullable<Text>,
        revision -> Integer,
        created_at -> SqlMoment,
        updated_at -> SqlMoment,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    sub_processors (id) {
        id -> Text,
        name -> Text,
        legal_name -> Nullable<Text>,
        org_number -> Nullable<Text>,
        registration_number -> Nullable<Text>,
        country -> Nullable<Text>,
        address -> Nullable<Text>,
        website -> Nullable<Text>,
        updated_at -> SqlMoment,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    services (id) {
        id -> Text,
        vendor_id -> Text,
        name -> Text,
        description -> Nullable<Text>,
        website -> Nullable<Text>,
        status -> Text,
        revision -> Integer,
        created_at -> SqlMoment,
        updated_at -> SqlMoment,
    }
}

diesel::table! {
    service_texts (service_id, kind, position) {
        service_id -> Text,
        kind -> Text,
        position -> Integer,
        text -> Text,
    }
}

diesel::table! {
    service_attributes (service_id, attribute_name) {
        service_id -> Text,
        attribute_name -> Text,
        position -> Integer,
        justification -> Nullable<Text>,
    }
}

diesel::table! {
    service_scopes (service_id, scope) {
        service_id -> Text,
        scope -> Text,
        position -> Integer,
        justification -> Nullable<Text>,
    }
}

diesel::table! {
    service_locations (service_id, position) {
        service_id -> Text,
        position -> Integer,
        country -> Text,
        role -> Text,
        facility -> Nullable<Text>,
        basis -> Text,
        evidence -> Nullable<Text>,
    }
}

diesel::table! {
    sub_processor_uses (service_id, position) {
        service_id -> Text,
        position -> Integer,
        sub_processor_id -> Text,
        purpose -> Nullable<Text>,
        transfer_mechanism -> Text,
        transfer_mechanisms -> Text,
        transfer_evidence -> Nullable<Text>,
    }
}

diesel::table! {
    sub_processor_use_locations (service_id, use_position, position) {
        service_id -> Text,
        use_position -> Integer,
        position -> Integer,
        country -> Text,
        role -> Text,
        basis -> Text,
        evidence -> Nullable<Text>,
    }
}

diesel::table! {
    service_terms (service_id) {
        service_id -> Text,
        deletion_days_after_end -> Nullable<Integer>,
        backup_deletion_days -> Nullable<Integer>,
        inactivity_deletion_days -> Nullable<Integer>,
        breach_notice_hours -> Nullable<Integer>,
        breach_notice -> Nullable<Text>,
        sub_processor_change -> Nullable<Text>,
        sub_processor_notice_days -> Nullable<Integer>,
        objection_days -> Nullable<Integer>,
        termination_notice_days -> Nullable<Integer>,
        log_retention_days -> Nullable<Integer>,
        security_audit_months -> Nullable<Integer>,
        security_level -> Nullable<Text>,
        governing_law -> Nullable<Text>,
        venue -> Nullable<Text>,
        evidence -> Text,
        return_request_days -> Nullable<Integer>,
        stated -> Text,
        conflicts -> Text,
    }
}

diesel::table! {
    service_sources (service_id, position) {
        service_id -> Text,
        position -> Integer,
        title -> Text,
        date -> Nullable<Text>,
        url -> Nullable<Text>,
        document -> Nullable<Text>,
        controller -> Nullable<Text>,
        controller_org_number -> Nullable<Text>,
    }
}

diesel::joinable!(services -> vendors (vendor_id));
diesel::allow_tables_to_appear_in_same_query!(
    countries,
    attributes,
    oidc_scopes,
    scope_attributes,
    vendors,
    sub_processors,
    services,
    service_texts,
    service_attributes,
    service_scopes,
    service_locations,
    sub_processor_uses,
    sub_processor_use_locations,
    service_terms,
    service_sources,
);

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    api_clients (client_id) {
        client_id -> Text,
        secret_hash -> Text,
        role -> Text,
        vendor_id -> Nullable<Text>,
        description -> Nullable<Text>,
        created_at -> SqlMoment,
        revoked_at -> Nullable<SqlMoment>,
        municipality_id -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    feide_services (feide_id) {
        feide_id -> Text,
        name -> Nullable<Text>,
        provider -> Nullable<Text>,
        attributes -> Nullable<Text>,
        etag -> Nullable<Text>,
        last_modified -> Nullable<Text>,
        fetched_at -> Nullable<SqlMoment>,
        checked_at -> SqlMoment,
        error -> Nullable<Text>,
        details -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    feide_providers (provider_id) {
        provider_id -> Text,
        name -> Text,
        org_number -> Nullable<Text>,
        vendor_id -> Nullable<Text>,
        proposed_vendor_id -> Nullable<Text>,
        state -> Text,
        checked_at -> SqlMoment,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    feide_sync_lease (id) {
        id -> Integer,
        holder -> Nullable<Text>,
        expires_at -> Nullable<SqlMoment>,
    }
}

diesel::table! {
    service_feide_ids (service_id, feide_id) {
        service_id -> Text,
        position -> Integer,
        feide_id -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    revisions (seq) {
        seq -> BigInt,
        entity -> Text,
        entity_id -> Text,
        revision -> Integer,
        at -> SqlMoment,
        actor -> Text,
        client_id -> Nullable<Text>,
        action -> Text,
        diff -> Text,
        diff_bytes -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    audit_events (seq) {
        seq -> BigInt,
        at -> SqlMoment,
        actor -> Nullable<Text>,
        client_id -> Nullable<Text>,
        source -> Nullable<Text>,
        action -> Text,
        target -> Text,
        outcome -> Integer,
        detail -> Nullable<Text>,
        count -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    municipalities (id) {
        id -> Text,
        name -> Text,
        org_number -> Text,
        municipality_number -> Nullable<Text>,
        kind -> Text,
        portfolio -> Text,
        revision -> Integer,
        created_at -> SqlMoment,
        updated_at -> SqlMoment,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    portfolio_entries (id) {
        id -> Text,
        municipality_id -> Text,
        service_id -> Text,
        local_status -> Text,
        agreement_signed_on -> Nullable<Text>,
        dpia_done_on -> Nullable<Text>,
        next_review_due -> Nullable<Text>,
        source_title -> Nullable<Text>,
        source_date -> Nullable<Text>,
        source_url -> Nullable<Text>,
        note -> Nullable<Text>,
        removed -> Bool,
        revision -> Integer,
        created_at -> SqlMoment,
        updated_at -> SqlMoment,
    }
}

diesel::joinable!(portfolio_entries -> municipalities (municipality_id));
diesel::allow_tables_to_appear_in_same_query!(municipalities, portfolio_entries);

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    announcements (id) {
        id -> Text,
        service_id -> Text,
        vendor_id -> Text,
        status -> Text,
        summary -> Nullable<Text>,
        body -> Text,
        effective_date -> Text,
        announced_at -> SqlMoment,
        announced_by -> Text,
        client_id -> Nullable<Text>,
        notice_days -> Integer,
        change_rule -> Nullable<Text>,
        required_notice_days -> Nullable<Integer>,
        objection_days -> Nullable<Integer>,
        objection_deadline -> Nullable<Text>,
        short_notice -> Bool,
        updated_at -> SqlMoment,
        withdrawn_at -> Nullable<SqlMoment>,
        applied_at -> Nullable<SqlMoment>,
        applied_revision -> Nullable<Integer>,
        failure -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    announcement_responses (announcement_id, responder) {
        announcement_id -> Text,
        responder -> Text,
        response -> Text,
        note -> Nullable<Text>,
        responded_at -> SqlMoment,
        client_id -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    task_leases (name) {
        name -> Text,
        holder -> Nullable<Text>,
        expires_at -> Nullable<SqlMoment>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    webhook_subscriptions (id) {
        id -> Text,
        owner_role -> Text,
        owner_id -> Text,
        client_id -> Text,
        url -> Text,
        events -> Text,
        description -> Nullable<Text>,
        deadline_days -> Nullable<Integer>,
        secret -> Text,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        disabled_at -> Nullable<SqlMoment>,
        revision -> Integer,
        created_at -> SqlMoment,
        updated_at -> SqlMoment,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    webhook_events (seq) {
        seq -> BigInt,
        event_type -> Text,
        service_id -> Nullable<Text>,
        vendor_id -> Nullable<Text>,
        municipality_id -> Nullable<Text>,
        data -> Text,
        created_at -> SqlMoment,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::store::moment::SqlMoment;

    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        event_type -> Text,
        dedupe -> Nullable<Text>,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        last_status -> Nullable<Integer>,
        created_at -> SqlMoment,
        retry_from -> SqlMoment,
        last_attempt_at -> Nullable<SqlMoment>,
        next_attempt_at -> SqlMoment,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<SqlMoment>,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::allow_tables_to_appear_in_same_query!(webhook_subscriptions, webhook_deliveries);
