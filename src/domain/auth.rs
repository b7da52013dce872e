//! Who may write what. Vendors change only their own vendor entry and services; administrators
//! change everything and alone create vendors and read the audit log. Municipality clients keep
//! their own municipality's portfolio (`municipalities`) and change nothing in the catalogue.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientRole {
    Vendor,
    Admin,
    Municipality,
}

impl ClientRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientRole::Vendor => "vendor",
            ClientRole::Admin => "admin",
            ClientRole::Municipality => "municipality",
        }
    }
    pub fn parse(s: &str) -> Option<ClientRole> {
        match s {
            "vendor" => Some(ClientRole::Vendor),
            "admin" => Some(ClientRole::Admin),
            "municipality" => Some(ClientRole::Municipality),
            _ => None,
        }
    }
}

/// An authenticated caller: an administrator, a vendor client acting for exactly one vendor, or
/// a municipality client acting for exactly one municipality. `client` is the registry's client
/// id, or `external:<id>` for an external issuer's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Admin {
        client: String,
    },
    Vendor {
        client: String,
        vendor: String,
    },
    Municipality {
        client: String,
        municipality: String,
    },
}

impl Actor {
    /// The actor a client record (or a token's claims) describes; `acts_for` is the vendor of a
    /// vendor client or the municipality of a municipality client. None for such a client that
    /// names nothing, which could otherwise act for nobody or, worse, be shown as `admin`. An
    /// administrator acts for no one, so an entry named beside it is ignored.
    pub fn of(client: String, role: ClientRole, acts_for: Option<String>) -> Option<Actor> {
        match (role, acts_for) {
            (ClientRole::Admin, _) => Some(Actor::Admin { client }),
            (ClientRole::Vendor, Some(vendor)) => Some(Actor::Vendor { client, vendor }),
            (ClientRole::Municipality, Some(municipality)) => Some(Actor::Municipality {
                client,
                municipality,
            }),
            (ClientRole::Vendor | ClientRole::Municipality, None) => None,
        }
    }

    pub fn client_id(&self) -> &str {
        match self {
            Actor::Admin { client }
            | Actor::Vendor { client, .. }
            | Actor::Municipality { client, .. } => client,
        }
    }

    pub fn role(&self) -> ClientRole {
        match self {
            Actor::Admin { .. } => ClientRole::Admin,
            Actor::Vendor { .. } => ClientRole::Vendor,
            Actor::Municipality { .. } => ClientRole::Municipality,
        }
    }

    /// The vendor a vendor client acts for.
    pub fn vendor(&self) -> Option<&str> {
        match self {
            Actor::Vendor { vendor, .. } => Some(vendor),
            Actor::Admin { .. } | Actor::Municipality { .. } => None,
        }
    }

    /// The municipality a municipality client acts for.
    pub fn municipality(&self) -> Option<&str> {
        match self {
            Actor::Municipality { municipality, .. } => Some(municipality),
            Actor::Admin { .. } | Actor::Vendor { .. } => None,
        }
    }

    /// What the client acts for: its vendor or its municipality (None for an administrator).
    pub fn acts_for(&self) -> Option<&str> {
        self.vendor().or(self.municipality())
    }

    /// Shown in history and audit: the vendor, the municipality or `admin`.
    pub fn label(&self) -> String {
        match self {
            Actor::Vendor { vendor, .. } => format!("vendor:{vendor}"),
            Actor::Municipality { municipality, .. } => format!("municipality:{municipality}"),
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
        // a municipality keeps its portfolio (`municipalities`), never the catalogue
        Actor::Municipality { .. } => false,
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
        let municipality = Actor::Municipality {
            client: "m".into(),
            municipality: "bergen".into(),
        };
        for (target, _, _) in table {
            assert!(!may(&municipality, target), "municipality {target:?}");
        }
        assert_eq!(
            Actor::of("m".into(), ClientRole::Municipality, None),
            None,
            "a municipality client naming no municipality is no actor"
        );
        assert_eq!(municipality.label(), "municipality:bergen");
        assert_eq!(own.label(), "vendor:eldur-learning");
        assert_eq!(admin.label(), "admin");
    }
}
