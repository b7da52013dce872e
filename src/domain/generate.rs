//! Deterministic synthetic catalogues for benchmarks and load tests (`feide-registry generate`):
//! shaped like the real one, at any size. Every generated catalogue passes `validate_catalogue`.

use super::catalogue::raw::*;
use super::catalogue::{
    AttributeRequest, Basis, DataSubject, Role, Status, SubProcessorChange, Terms,
    TransferMechanism, FORMAT,
};

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same catalogue on
/// every machine, with no dependence on a library's algorithm staying the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// Skewed towards 0: a few entries (the hyperscalers) are drawn far more often.
    fn skewed(&mut self, n: usize) -> usize {
        let a = self.below(n);
        let b = self.below(n);
        let c = self.below(n);
        a.min(b).min(c)
    }
}

/// Valid Norwegian organisation numbers: 9 digits with a MOD11 check digit.
fn org_number(seed: u64) -> String {
    let mut n = 80_000_000 + (seed % 19_999_999) as u32;
    loop {
        let digits: Vec<u32> = format!("{n:08}")
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .collect();
        match super::ids::mod11_check_digit(&digits) {
            Some(c) => return format!("{n:08}{c}"),
            None => n += 1,
        }
    }
}

/// Attribute names of the Feide catalogue (data/attributes.json), the generator's vocabulary.
fn attribute_names() -> Vec<String> {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../data/attributes.json")).expect("attributes.json");
    doc["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .filter_map(|a| a["name"].as_str().map(str::to_owned))
        .collect()
}

/// Where sub-processors run, and the mechanism an agreement would state for each.
const PLACES: &[(&str, TransferMechanism)] = &[
    ("NO", TransferMechanism::Eea),
    ("SE", TransferMechanism::Eea),
    ("IE", TransferMechanism::Eea),
    ("NL", TransferMechanism::Eea),
    ("DE", TransferMechanism::Eea),
    ("FI", TransferMechanism::Eea),
    ("US", TransferMechanism::Dpf),
    ("US", TransferMechanism::Scc),
    ("GB", TransferMechanism::Adequacy),
    ("IN", TransferMechanism::Scc),
    ("CH", TransferMechanism::Adequacy),
];

const PURPOSES: &[&str] = &[
    "Levere tjenesten til elever og lærere",
    "Tilpasset opplæring og mengdetrening",
    "Vurdering og oppfølging av elevens progresjon",
    "Kartlegging av lesing og regning",
    "Kommunikasjon mellom skole og hjem",
    "Brukerstøtte og feilretting",
];

const WORDS: &[&str] = &[
    "Matte", "Lese", "Skrive", "Natur", "Språk", "Koding", "Musikk", "Historie", "Geo", "Fysikk",
    "Kjemi", "Engelsk", "Tysk", "Fransk", "Kunst", "Sløyd", "Trafikk", "Helse",
];

/// How the attribute justifications of a generated catalogue are worded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Justifications {
    /// From a handful of phrasings, so most texts recur across services, as in real agreements
    /// written from a vendor's template.
    Templated,
    /// Every justification its own text (naming the service and the attribute): the worst case
    /// for memory, where no two services can share one.
    Distinct,
}

/// A catalogue of `services` services from `seed`: about services/5 vendors, 5 to 40 attributes
/// each with a justification, 1 to 12 sub-processors from a shared pool with a realistic skew,
/// locations inside and outside the EEA.
pub fn catalogue(services: usize, seed: u64) -> Catalogue {
    catalogue_with(services, seed, Justifications::Templated)
}

/// [`catalogue`] with the justifications worded as asked; apart from them, the same seed gives
/// the same catalogue either way.
pub fn catalogue_with(services: usize, seed: u64, justifications: Justifications) -> Catalogue {
    let mut rng = Rng(seed ^ 0x5EED_CAFE);
    let names = attribute_names();
    let vendor_count = services.div_ceil(5).max(1);
    let vendors: Vec<Vendor> = (0..vendor_count)
        .map(|i| Vendor {
            id: format!("leverandor-{i:06}"),
            name: format!("{} Læring {i} AS", WORDS[i % WORDS.len()]),
            org_number: Some(org_number(
                seed.wrapping_mul(31).wrapping_add(i as u64 * 7919),
            )),
            country: Some("NO".into()),
            address: Some(format!("Storgata {}, 0155 Oslo", 1 + i % 200)),
            contact: None,
            website: None,
        })
        .collect();
    // One shared pool: a handful of hyperscalers first, then many small processors.
    let pool_size = (services / 10).clamp(12, 2_000);
    let sub_processors: Vec<SubProcessor> = (0..pool_size)
        .map(|i| SubProcessor {
            id: format!("underleverandor-{i:05}"),
            name: format!("Underleverandør {i}"),
            legal_name: None,
            org_number: None,
            registration_number: None,
            country: Some(PLACES[i % PLACES.len()].0.into()),
            address: None,
            website: None,
        })
        .collect();
    let services = (0..services)
        .map(|i| {
            let mut attributes = Vec::new();
            let wanted = rng.between(5, 40.min(names.len()));
            while attributes.len() < wanted {
                let name = &names[rng.below(names.len())];
                if !attributes
                    .iter()
                    .any(|a: &AttributeRequest| a.name == *name)
                {
                    let purpose = PURPOSES[rng.below(PURPOSES.len())].to_lowercase();
                    let justification = match justifications {
                        Justifications::Templated => format!("Brukes for å {purpose} i tjenesten"),
                        Justifications::Distinct => {
                            format!("Brukes for å {purpose} i tjeneste {i} ({name})")
                        }
                    };
                    attributes.push(AttributeRequest {
                        name: name.as_str().into(),
                        justification: Some(justification),
                    });
                }
            }
            let mut uses: Vec<SubProcessorUse> = Vec::new();
            for _ in 0..rng.between(1, 12) {
                // four draws in ten go to the five hyperscalers, the rest skewed over the pool
                let pick = if rng.below(10) < 4 {
                    rng.below(5)
                } else {
                    rng.skewed(pool_size)
                };
                let id = &sub_processors[pick].id;
                if uses.iter().any(|u| u.id == *id) {
                    continue;
                }
                let (country, mechanism) = PLACES[rng.below(PLACES.len())];
                uses.push(SubProcessorUse {
                    id: id.as_str().into(),
                    purpose: Some("Drift og lagring".into()),
                    locations: vec![UseLocation {
                        country: country.into(),
                        role: if rng.below(3) == 0 {
                            Role::Processing
                        } else {
                            Role::Storage
                        },
                        basis: Basis::Stated,
                        evidence: None,
                    }],
                    transfer_mechanism: mechanism,
                    transfer_mechanisms: Vec::new(),
                    transfer_evidence: None,
                });
            }
            Service {
                id: format!("tjeneste-{i:06}"),
                name: format!(
                    "{}{} {i}",
                    WORDS[rng.below(WORDS.len())],
                    WORDS[rng.below(WORDS.len())].to_lowercase()
                ),
                vendor: vendors[i / 5 % vendor_count].id.as_str().into(),
                description: Some("Digital læringsressurs".into()),
                website: None,
                status: if rng.below(50) == 0 {
                    Status::Retired
                } else {
                    Status::Active
                },
                purposes: vec![PURPOSES[rng.below(PURPOSES.len())].into()],
                data_subjects: vec![DataSubject::Pupils, DataSubject::Staff],
                personal_data: vec!["Svar på oppgaver".into()],
                attributes,
                oidc_scopes: Vec::new(),
                locations: vec![Location {
                    country: "NO".into(),
                    role: Role::Storage,
                    facility: None,
                    basis: Basis::Stated,
                    evidence: None,
                }],
                sub_processors: uses,
                statements: Default::default(),
                notes: Vec::new(),
                terms: Terms {
                    deletion_days_after_end: Some(30 * rng.between(1, 18) as i32),
                    breach_notice_hours: (rng.below(3) > 0)
                        .then_some(24 * rng.between(1, 3) as i32),
                    sub_processor_change: Some(if rng.below(2) == 0 {
                        SubProcessorChange::Notice
                    } else {
                        SubProcessorChange::PriorApproval
                    }),
                    sub_processor_notice_days: Some(7 * rng.between(1, 8) as i32),
                    ..Terms::default()
                },
                sources: Vec::new(),
                feide_ids: vec![],
            }
        })
        .collect();
    Catalogue {
        format: FORMAT.to_owned(),
        vendors,
        sub_processors,
        services,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::OrgNumber;

    #[test]
    fn the_same_seed_gives_the_same_catalogue_and_another_seed_another() {
        assert_eq!(catalogue(50, 7), catalogue(50, 7));
        assert_ne!(catalogue(50, 7), catalogue(50, 8));
    }

    #[test]
    fn distinct_justifications_are_all_different_and_change_nothing_else() {
        let templated = catalogue(300, 5);
        let distinct = catalogue_with(300, 5, Justifications::Distinct);
        let texts = |c: &Catalogue| -> Vec<String> {
            c.services
                .iter()
                .flat_map(|s| s.attributes.iter())
                .map(|a| a.justification.as_deref().unwrap().to_owned())
                .collect()
        };
        let all = texts(&distinct);
        let unique: std::collections::HashSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
        // the templated wording repeats: a few phrasings for thousands of attributes
        let templated_unique: std::collections::HashSet<String> =
            texts(&templated).into_iter().collect();
        assert!(
            templated_unique.len() <= PURPOSES.len(),
            "{templated_unique:?}"
        );
        let mut blanked = distinct.clone();
        for (s, t) in blanked.services.iter_mut().zip(&templated.services) {
            s.attributes = t.attributes.clone();
        }
        assert_eq!(blanked, templated);
    }

    #[test]
    fn generated_catalogues_have_the_promised_shape() {
        let c = catalogue(500, 1);
        assert_eq!(c.services.len(), 500);
        assert_eq!(c.vendors.len(), 100);
        for s in &c.services {
            assert!(
                (5..=40).contains(&s.attributes.len()),
                "{}",
                s.attributes.len()
            );
            assert!((1..=12).contains(&s.sub_processors.len()));
            assert!(s.attributes.iter().all(|a| a.justification.is_some()));
        }
        for v in &c.vendors {
            OrgNumber::parse(v.org_number.as_deref().unwrap()).unwrap();
        }
        // skew: the most used sub-processor serves far more services than the median one
        let mut uses = vec![0usize; c.sub_processors.len()];
        for s in &c.services {
            for u in &s.sub_processors {
                let i: usize = u.id.trim_start_matches("underleverandor-").parse().unwrap();
                uses[i] += 1;
            }
        }
        let top = *uses.iter().max().unwrap();
        let mut sorted = uses.clone();
        sorted.sort();
        assert!(top > 5 * sorted[sorted.len() / 2].max(1), "{uses:?}");
        let outside = c
            .services
            .iter()
            .filter(|s| {
                s.sub_processors.iter().any(|u| {
                    u.locations
                        .iter()
                        .any(|l| ["US", "IN", "GB", "CH"].contains(&l.country.as_str()))
                })
            })
            .count();
        assert!(outside > 0 && outside < 500);
    }
}
