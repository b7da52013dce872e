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

/// An authenticated caller: an administrator, or a vendor client acting for exactly one vendor.
/// `client` is the registry's client id, or `external:<id>` for an external issuer's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Admin { client: String },
    Vendor { client: String, vendor: String },
}

impl Actor {
    /// The actor a client record (or a token's claims) describes; None for a vendor client that
    /// names no vendor, which could otherwise act for nobody or, worse, be shown as `admin`. An
    /// administrator acts for no vendor, so a vendor named beside it is ignored.
    pub fn of(client: String, role: ClientRole, vendor: Option<String>) -> Option<Actor> {
        match (role, vendor) {
            (ClientRole::Admin, _) => Some(Actor::Admin { client }),
            (ClientRole::Vendor, Some(vendor)) => Some(Actor::Vendor { client, vendor }),
            (ClientRole::Vendor, None) => None,
        }
    }

    pub fn client_id(&self) -> &str {
        match self {
            Actor::Admin { client } | Actor::Vendor { client, .. } => client,
        }
    }

    pub fn role(&self) -> ClientRole {
        match self {
            Actor::Admin { .. } => ClientRole::Admin,
            Actor::Vendor { .. } => ClientRole::Vendor,
        }
    }

    /// The vendor a vendor client acts for.
    pub fn vendor(&self) -> Option<&str> {
        match self {
            Actor::Admin { .. } => None,
            Actor::Vendor { vendor, .. } => Some(vendor),
        }
    }

    /// Shown in history and audit: the vendor or `admin`, and the client.
    pub fn label(&self) -> String {
        match self {
            Actor::Vendor { vendor, .. } => format!("vendor:{vendor}"),
            Actor::Admin { .. } => "admin".to_owned(),
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
    match actor {
        Actor::Admin { .. } => true,
        Actor::Vendor { vendor, .. } => match target {
            Target::NewVendor | Target::AuditLog | Target::OrgNumber => false,
            Target::Vendor(id) | Target::ServiceOf(id) => vendor == id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor(v: &str) -> Actor {
        Actor::Vendor {
            client: "c".into(),
            vendor: v.into(),
        }
    }

    #[test]
    fn the_permission_matrix() {
        let admin = Actor::Admin { client: "a".into() };
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
        assert_eq!(
            Actor::of("x".into(), ClientRole::Vendor, None),
            None,
            "a vendor client naming no vendor is no actor"
        );
        assert_eq!(
            Actor::of("a".into(), ClientRole::Admin, Some("cerpus".into())),
            Some(Actor::Admin { client: "a".into() })
        );
        assert_eq!(own.label(), "vendor:eldur-learning");
        assert_eq!(admin.label(), "admin");
    }
}
