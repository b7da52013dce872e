//! Every text the registry writes for people, in the three languages it serves (`nb`, `nn`, `en`):
//! problem titles and details, the messages of validation, flag labels and rules, adequacy notes.
//! One table, so a translation is never missing in one place and present in another; a text's
//! `{name}` placeholders are filled when it is said (`Said`), in the language the caller asked for.
//!
//! Norwegian follows the wording of the seed agreements: «underdatabehandler», «tredjeland»,
//! «avvik», «EØS», «overføringsgrunnlag».

pub use crate::domain::reference::Lang;

macro_rules! texts {
    ($($id:ident { nb: $nb:literal, nn: $nn:literal, en: $en:literal $(,)? })*) => {
        /// The id of a text in the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text { $($id,)* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$id,)*];

            /// The text in nb, nn and en.
            fn entry(self) -> [&'static str; 3] {
                match self { $(Text::$id => [$nb, $nn, $en],)* }
            }
        }
    };
}

texts! {
    // Problem titles, one per problem type.
    TitleInvalidQuery { nb: "Ugyldige spørreparametere", nn: "Ugyldige spørjeparametrar", en: "Invalid query parameters" }
    TitleInvalidPath { nb: "Ugyldige stiparametere", nn: "Ugyldige stiparametrar", en: "Invalid path parameters" }
    TitleNotFound { nb: "Ikke funnet", nn: "Ikkje funne", en: "Not found" }
    TitleRequestTimeout { nb: "Forespørselen tok for lang tid", nn: "Førespurnaden tok for lang tid", en: "Request timeout" }
    TitleNotAcceptable { nb: "Ikke akseptabelt", nn: "Ikkje akseptabelt", en: "Not acceptable" }
    TitleTooLarge { nb: "For stort innhold", nn: "For stort innhald", en: "Payload too large" }
    TitleUnsupportedMediaType { nb: "Medietypen støttes ikke", nn: "Medietypen er ikkje støtta", en: "Unsupported media type" }
    TitleInvalidDocument { nb: "Ugyldig dokument", nn: "Ugyldig dokument", en: "Invalid document" }
    TitleMalformedBody { nb: "Uleselig innhold", nn: "Uleseleg innhald", en: "Malformed body" }
    TitleUnauthorized { nb: "Ikke autentisert", nn: "Ikkje autentisert", en: "Unauthorized" }
    TitleForbidden { nb: "Ikke tillatt", nn: "Ikkje tillate", en: "Forbidden" }
    TitleConflict { nb: "Konflikt", nn: "Konflikt", en: "Conflict" }
    TitlePreconditionFailed { nb: "Forutsetningen holder ikke", nn: "Føresetnaden held ikkje", en: "Precondition failed" }
    TitlePreconditionRequired { nb: "Forutsetning kreves", nn: "Føresetnad krevst", en: "Precondition required" }
    TitleTooManyRequests { nb: "For mange forespørsler", nn: "For mange førespurnader", en: "Too many requests" }
    TitleUnavailable { nb: "Tjenesten er utilgjengelig", nn: "Tenesta er utilgjengeleg", en: "Service unavailable" }
    TitleInternal { nb: "Intern feil", nn: "Intern feil", en: "Internal error" }

    // Problem details.
    QueryParamInvalid { nb: "{count} spørreparameter er ugyldig", nn: "{count} spørjeparameter er ugyldig", en: "{count} query parameter is invalid" }
    QueryParamsInvalid { nb: "{count} spørreparametere er ugyldige", nn: "{count} spørjeparametrar er ugyldige", en: "{count} query parameters are invalid" }
    PathParamInvalid { nb: "{count} stiparameter er ugyldig", nn: "{count} stiparameter er ugyldig", en: "{count} path parameter is invalid" }
    PathParamsInvalid { nb: "{count} stiparametere er ugyldige", nn: "{count} stiparametrar er ugyldige", en: "{count} path parameters are invalid" }
    FieldInvalid { nb: "{count} felt er ugyldig", nn: "{count} felt er ugyldig", en: "{count} field is invalid" }
    FieldsInvalid { nb: "{count} felt er ugyldige", nn: "{count} felt er ugyldige", en: "{count} fields are invalid" }
    FirstListed { nb: " (de første {listed} er listet, og {more} til)", nn: " (dei første {listed} er lista, og {more} til)", en: " (the first {listed} are listed, and {more} more)" }
    BodyTimeout { nb: "Hele innholdet må komme fram innen {secs} s etter forespørselen.", nn: "Heile innhaldet må kome fram innan {secs} s etter førespurnaden.", en: "The whole body must arrive within {secs} s of the request." }
    BodyTooLarge { nb: "Innholdet kan være på høyst {bytes} byte.", nn: "Innhaldet kan vere på høgst {bytes} byte.", en: "The body must be at most {bytes} bytes." }
    BodyMalformed { nb: "Innholdet kan ikke leses som det forventede dokumentet.", nn: "Innhaldet kan ikkje lesast som det venta dokumentet.", en: "The body cannot be read as the expected document." }
    RateLimited { nb: "Grensen for antall forespørsler er nådd; prøv igjen om {secs} s.", nn: "Grensa for talet på førespurnader er nådd; prøv igjen om {secs} s.", en: "The rate limit is reached; retry in {secs} s." }
    DatabaseUnreachable { nb: "Databasen kan ikke nås; prøv igjen om litt.", nn: "Databasen kan ikkje nåast; prøv igjen om litt.", en: "The database cannot be reached; try again shortly." }
    FailedToAnswer { nb: "Registeret klarte ikke å svare.", nn: "Registeret klarte ikkje å svare.", en: "The registry failed to answer." }

    SendJson { nb: "Send dokumentet som application/json.", nn: "Send dokumentet som application/json.", en: "Send the document as application/json." }
    SendMergePatch { nb: "Send endringen som application/merge-patch+json (RFC 7396).", nn: "Send endringa som application/merge-patch+json (RFC 7396).", en: "Send the patch as application/merge-patch+json (RFC 7396)." }
    SendIfMatch { nb: "Send If-Match med ETag-en til ressursen slik du sist leste den.", nn: "Send If-Match med ETag-en til ressursen slik du sist las han.", en: "Send If-Match with the ETag of the resource as you last read it." }
    ChangedSinceRead { nb: "Ressursen er endret siden du leste den: les den på nytt, gjør endringen din igjen, og send den nye ETag-en.", nn: "Ressursen er endra sidan du las han: les han på nytt, gjer endringa di om att, og send den nye ETag-en.", en: "The resource has changed since you read it: read it again, reapply your change, and send the new ETag." }
    ChangedInFlight { nb: "Ressursen ble endret mens denne skrivingen pågikk: les den på nytt.", nn: "Ressursen vart endra medan denne skrivinga gjekk føre seg: les han på nytt.", en: "The resource changed while this write was in flight: read it again." }

    // The shape of a request body.
    MustBeWholeNumber { nb: "må være et heltall", nn: "må vere eit heiltal", en: "must be a whole number" }
    MustBeWholeDays { nb: "må være et helt antall dager", nn: "må vere eit heilt tal dagar", en: "must be a whole number of days" }
    MustBeWholeHours { nb: "må være et helt antall timer", nn: "må vere eit heilt tal timar", en: "must be a whole number of hours" }
    MustBeWholeMonths { nb: "må være et helt antall måneder", nn: "må vere eit heilt tal månader", en: "must be a whole number of months" }
    MustBeNumber { nb: "må være et tall", nn: "må vere eit tal", en: "must be a number" }
    MustBeString { nb: "må være en tekst", nn: "må vere ein tekst", en: "must be a string" }
    MustBeDate { nb: "må være en dato (ÅÅÅÅ-MM-DD)", nn: "må vere ein dato (ÅÅÅÅ-MM-DD)", en: "must be a date (YYYY-MM-DD)" }
    MustBeBoolean { nb: "må være true eller false", nn: "må vere true eller false", en: "must be true or false" }
    MustBeList { nb: "må være en liste", nn: "må vere ei liste", en: "must be a list" }
    MustBeObject { nb: "må være et objekt", nn: "må vere eit objekt", en: "must be an object" }
    MustNotBeNull { nb: "kan ikke være null", nn: "kan ikkje vere null", en: "must not be null" }
    MustBeOneOf { nb: "må være én av: {values}", nn: "må vere ein av: {values}", en: "must be one of: {values}" }
    OutOfRange { nb: "må være mellom {min} og {max}", nn: "må vere mellom {min} og {max}", en: "must be between {min} and {max}" }
    TooFewItems { nb: "må ha minst {min} element", nn: "må ha minst {min} element", en: "must have at least {min} items" }
    TooManyItems { nb: "kan ha høyst {max} element", nn: "kan ha høgst {max} element", en: "must have at most {max} items" }
    IsRequired { nb: "mangler, og er påkrevd", nn: "manglar, og er påkravd", en: "is required" }
    NotAFieldOf { nb: "er ikke et felt i {what}; feltene er: {fields}", nn: "er ikkje eit felt i {what}; felta er: {fields}", en: "is not a field of {what}; fields are: {fields}" }
    NotAField { nb: "er ikke et felt her; feltene er: {fields}", nn: "er ikkje eit felt her; felta er: {fields}", en: "is not a field here; fields are: {fields}" }
    ServiceNoun { nb: "en tjeneste", nn: "ei teneste", en: "a service" }
    VendorNoun { nb: "en leverandør", nn: "ein leverandør", en: "a vendor" }
    SubProcessorNoun { nb: "en underdatabehandler", nn: "ein underdatabehandlar", en: "a sub-processor" }
    TermsNoun { nb: "vilkårene", nn: "vilkåra", en: "the terms" }
    PortfolioNoun { nb: "en portefølje", nn: "ein portefølje", en: "a portfolio" }
    NotJson { nb: "er ikke gyldig JSON: {error}", nn: "er ikkje gyldig JSON: {error}", en: "is not valid JSON: {error}" }
    NotAnObject { nb: "innholdet må være et JSON-objekt", nn: "innhaldet må vere eit JSON-objekt", en: "the body must be a JSON object" }

    // Validation of a catalogue entry.
    MustBeFormat { nb: "må være `{format}`", nn: "må vere `{format}`", en: "must be `{format}`" }
    DuplicateVendorId { nb: "leverandør-id-en `{id}` står to ganger", nn: "leverandør-id-en `{id}` står to gonger", en: "duplicate vendor id `{id}`" }
    DuplicateSubProcessorId { nb: "underdatabehandler-id-en `{id}` står to ganger", nn: "underdatabehandlar-id-en `{id}` står to gonger", en: "duplicate sub-processor id `{id}`" }
    DuplicateServiceId { nb: "tjeneste-id-en `{id}` står to ganger", nn: "teneste-id-en `{id}` står to gonger", en: "duplicate service id `{id}`" }
    UnknownVendor { nb: "ukjent leverandør `{id}`", nn: "ukjend leverandør `{id}`", en: "unknown vendor `{id}`" }
    UnknownAttribute { nb: "ukjent Feide-attributt `{name}`", nn: "ukjend Feide-attributt `{name}`", en: "unknown Feide attribute `{name}`" }
    UnknownScope { nb: "ukjent Feide OIDC-scope `{name}`", nn: "ukjend Feide OIDC-scope `{name}`", en: "unknown Feide OIDC scope `{name}`" }
    ListedTwice { nb: "`{name}` står to ganger", nn: "`{name}` står to gonger", en: "`{name}` is listed twice" }
    UnknownSubProcessor { nb: "ukjent underdatabehandler `{id}`", nn: "ukjend underdatabehandlar `{id}`", en: "unknown sub-processor `{id}`" }
    EeaMechanismOutsideEea { nb: "et sted utenfor EØS kan ikke ha overføringsgrunnlaget `eea`", nn: "ein stad utanfor EØS kan ikkje ha overføringsgrunnlaget `eea`", en: "a location outside the EEA cannot have transfer mechanism `eea`" }
    UnknownCountry { nb: "ukjent ISO 3166-1-land `{code}`", nn: "ukjend ISO 3166-1-land `{code}`", en: "unknown ISO 3166-1 country `{code}`" }
    MustBeIsoDate { nb: "må være en ISO 8601-dato (ÅÅÅÅ-MM-DD)", nn: "må vere ein ISO 8601-dato (ÅÅÅÅ-MM-DD)", en: "must be an ISO 8601 date (YYYY-MM-DD)" }

    // The rules of a vendor's own write.
    MustBeTheIdInTheUrl { nb: "må være `{id}`, id-en i URL-en", nn: "må vere `{id}`, id-en i URL-en", en: "must be `{id}`, the id in the URL" }
    SubProcessorExists { nb: "underdatabehandleren `{id}` finnes allerede: vis til den med id", nn: "underdatabehandlaren `{id}` finst alt: vis til han med id", en: "sub-processor `{id}` exists already: reference it by id" }
    LooksLikeSubProcessor { nb: "ligner navnet på underdatabehandleren `{other}`: vis til den med id, eller gi denne et navn som skiller seg ut", nn: "liknar namnet på underdatabehandlaren `{other}`: vis til han med id, eller gje denne eit namn som skil seg ut", en: "looks like the name of sub-processor `{other}`: reference it by id, or name this one apart" }
    LooksLikeVendor { nb: "ligner navnet på leverandøren `{other}`", nn: "liknar namnet på leverandøren `{other}`", en: "looks like the name of vendor `{other}`" }
    OrgNumberTaken { nb: "organisasjonsnummeret {org} tilhører en annen leverandør", nn: "organisasjonsnummeret {org} høyrer til ein annan leverandør", en: "organisation number {org} belongs to another vendor" }
    JustificationRequired { nb: "er påkrevd: si hvorfor tjenesten trenger det", nn: "er påkravd: sei kvifor tenesta treng det", en: "is required: say why the service needs it" }
    JustificationPlaceholder { nb: "er en plassholder: si hvorfor tjenesten trenger det", nn: "er ein plasshaldar: sei kvifor tenesta treng det", en: "is a placeholder: say why the service needs it" }
    TransferNeedsMechanism { nb: "et sted utenfor EØS krever et overføringsgrunnlag (personvernforordningen kapittel V)", nn: "ein stad utanfor EØS krev eit overføringsgrunnlag (personvernforordninga kapittel V)", en: "a location outside the EEA needs a transfer mechanism (GDPR chapter V)" }
    TextTooLong { nb: "er lengre enn {max} tegn", nn: "er lengre enn {max} teikn", en: "is longer than {max} characters" }
    ControlCharacters { nb: "inneholder kontrolltegn", nn: "inneheld kontrollteikn", en: "contains control characters" }

    // Reports.
    MustListServices { nb: "må liste 1 til {max} tjeneste-id-er", nn: "må liste 1 til {max} teneste-id-ar", en: "must list 1 to {max} service ids" }

    // Flags: a short label, and the rule the code runs.
    FlagThirdCountryTransferLabel { nb: "Overføring til tredjeland", nn: "Overføring til tredjeland", en: "Transfer to a third country" }
    FlagThirdCountryTransferRule {
        nb: "Leverandøren eller en underdatabehandler lagrer, behandler, har tilgang til eller gir brukerstøtte på dataene fra et land utenfor EØS.",
        nn: "Leverandøren eller ein underdatabehandlar lagrar, behandlar, har tilgang til eller gjev brukarstøtte på dataa frå eit land utanfor EØS.",
        en: "The vendor or a sub-processor stores, processes, accesses or supports the data from a country outside the EEA.",
    }
    FlagNoAdequacyTransferLabel { nb: "Overføring uten vedtak om tilstrekkelig beskyttelsesnivå", nn: "Overføring utan vedtak om tilstrekkeleg vernenivå", en: "Transfer without an adequacy decision" }
    FlagNoAdequacyTransferRule {
        nb: "Et tredjeland uten EUs vedtak om tilstrekkelig beskyttelsesnivå er involvert: adequacy `none`, eller `partial` (f.eks. USA) mens oppgitt overføringsgrunnlag verken er `dpf` eller `adequacy`. Leverandørens egne steder i tredjeland teller også.",
        nn: "Eit tredjeland utan EUs vedtak om tilstrekkeleg vernenivå er involvert: adequacy `none`, eller `partial` (t.d. USA) medan oppgjeve overføringsgrunnlag verken er `dpf` eller `adequacy`. Leverandøren sine eigne stader i tredjeland tel òg.",
        en: "A third country without an EU adequacy decision is involved: adequacy `none`, or `partial` (e.g. the US) while the stated mechanism is neither `dpf` nor `adequacy`. The vendor's own third-country locations count too.",
    }
    FlagInvalidTransferMechanismLabel { nb: "Ugyldig overføringsgrunnlag", nn: "Ugyldig overføringsgrunnlag", en: "Invalid transfer mechanism" }
    FlagInvalidTransferMechanismRule {
        nb: "En underdatabehandler bygger på EU-US Privacy Shield (ugyldig siden EU-domstolens dom C-311/18, 2020), eller når et tredjeland uten vedtak om tilstrekkelig beskyttelsesnivå med grunnlaget `eea`, `adequacy` eller `none_stated`, eller et med delvis tilstrekkelig beskyttelsesnivå med `eea` eller `none_stated`.",
        nn: "Ein underdatabehandlar byggjer på EU-US Privacy Shield (ugyldig sidan EU-domstolen sin dom C-311/18, 2020), eller når eit tredjeland utan vedtak om tilstrekkeleg vernenivå med grunnlaget `eea`, `adequacy` eller `none_stated`, eller eitt med delvis tilstrekkeleg vernenivå med `eea` eller `none_stated`.",
        en: "A sub-processor relies on EU-US Privacy Shield (invalid since CJEU C-311/18, 2020), or reaches a third country with no adequacy decision under mechanism `eea`, `adequacy` or `none_stated`, or one with partial adequacy under `eea` or `none_stated`.",
    }
    // For the flag `location_not_stated` (branch "exports"): its arm in `Flag::texts` comes with it.
    FlagLocationNotStatedLabel { nb: "Sted for behandling ikke oppgitt", nn: "Stad for behandling ikkje oppgjeven", en: "Location not stated" }
    FlagLocationNotStatedRule {
        nb: "Det er ikke oppgitt hvor dataene lagres eller behandles: verken leverandøren eller noen underdatabehandler oppgir et land for lagring eller behandling, eller en underdatabehandler står oppført uten land. Ukjent er ikke trygt: en slik tjeneste regnes aldri som at dataene blir i EØS.",
        nn: "Det er ikkje oppgjeve kvar dataa blir lagra eller behandla: verken leverandøren eller nokon underdatabehandlar oppgjev eit land for lagring eller behandling, eller ein underdatabehandlar står oppført utan land. Ukjent er ikkje trygt: ei slik teneste blir aldri rekna som at dataa blir verande i EØS.",
        en: "Where the data is stored or processed is not stated: neither the vendor nor any sub-processor names a storage or processing country, or a sub-processor is listed without any country. Unknown is not safe: such a service never counts as staying inside the EEA.",
    }
    FlagSensitiveAttributesLabel { nb: "Sensitive attributter", nn: "Sensitive attributtar", en: "Sensitive attributes" }
    FlagSensitiveAttributesRule {
        nb: "Tjenesten mottar minst ett attributt med høy sensitivitet (fødselsnummer, fødselsdato, bilde, hjemmeadresse), direkte eller gjennom et OIDC-scope.",
        nn: "Tenesta tek imot minst eitt attributt med høg sensitivitet (fødselsnummer, fødselsdato, bilete, heimeadresse), direkte eller gjennom eit OIDC-scope.",
        en: "The service receives at least one high-sensitivity attribute (national identity number, birth date, photo, home address), directly or through an OIDC scope.",
    }
    FlagMissingJustificationLabel { nb: "Mangler begrunnelse", nn: "Manglar grunngjeving", en: "Missing justification" }
    FlagMissingJustificationRule {
        nb: "Minst ett attributt tjenesten mottar har ingen begrunnelse (og det har heller ikke scopet som gir det).",
        nn: "Minst eitt attributt tenesta tek imot har inga grunngjeving (og det har heller ikkje scopet som gjev det).",
        en: "At least one attribute the service receives has no justification (nor does the scope releasing it).",
    }
    FlagNoAttributeDeclarationLabel { nb: "Ingen attributter oppgitt", nn: "Ingen attributtar oppgjevne", en: "No attributes declared" }
    FlagNoAttributeDeclarationRule {
        nb: "Tjenesten oppgir verken Feide-attributter eller OIDC-scopes, så det er ukjent hva den mottar.",
        nn: "Tenesta oppgjev verken Feide-attributtar eller OIDC-scope, så det er ukjent kva ho tek imot.",
        en: "The service declares neither Feide attributes nor OIDC scopes, so what it receives is unknown.",
    }
    FlagUndeclaredAttributeLabel { nb: "Feide sender attributter avtalen ikke oppgir", nn: "Feide sender attributtar avtalen ikkje oppgjev", en: "Feide releases undeclared attributes" }
    FlagUndeclaredAttributeRule {
        nb: "Feides egen tjenestekatalog (Feide-API-ets tjenesteinformasjon for en koblet Feide-id) gir tjenesten et attributt som avtalen verken oppgir ved navn eller gjennom et oppgitt OIDC-scope: data flyter uten oppgitt formål.",
        nn: "Feides eigen tenestekatalog (Feide-API-et si tenesteinformasjon for ein kopla Feide-id) gjev tenesta eit attributt som avtalen verken oppgjev med namn eller gjennom eit oppgjeve OIDC-scope: data flyt utan oppgjeve føremål.",
        en: "Feide's own service catalogue (the Feide API's service information for a linked Feide id) releases an attribute to the service that the agreement declares neither by name nor through a declared OIDC scope: data flows with no stated purpose.",
    }
    FlagNoBreachDeadlineLabel { nb: "Ingen frist for varsling av avvik", nn: "Ingen frist for varsling av avvik", en: "No breach notice deadline" }
    FlagNoBreachDeadlineRule {
        nb: "Avtalen setter ikke et fast antall timer for varsling av avvik (ikke oppgitt, eller bare «uten ugrunnet opphold»).",
        nn: "Avtalen set ikkje eit fast tal timar for varsling av avvik (ikkje oppgjeve, eller berre «utan unødig opphald»).",
        en: "The agreement sets no fixed number of hours for breach notice (absent, or only \"without undue delay\").",
    }
    FlagShortChangeNoticeLabel { nb: "Kort varsel om nye underdatabehandlere", nn: "Kort varsel om nye underdatabehandlarar", en: "Short notice of sub-processor changes" }
    FlagShortChangeNoticeRule {
        nb: "Endringer av underdatabehandlere trer i kraft etter varsel, med en varslingsfrist under {days} dager.",
        nn: "Endringar av underdatabehandlarar tek til å gjelde etter varsel, med ein varslingsfrist under {days} dagar.",
        en: "Sub-processor changes take effect on notice, with a notice period under {days} days.",
    }
    FlagStaleLabel { nb: "Utdatert", nn: "Utdatert", en: "Out of date" }
    FlagStaleRule {
        nb: "Oppføringen er ikke oppdatert på {months} måneder.",
        nn: "Oppføringa er ikkje oppdatert på {months} månader.",
        en: "The entry has not been updated for {months} months.",
    }

    // Adequacy notes of the countries whose adequacy decision covers only some recipients.
    AdequacyNoteCa {
        nb: "Bare kommersielle virksomheter som er underlagt PIPEDA",
        nn: "Berre kommersielle verksemder som er underlagde PIPEDA",
        en: "Only commercial organisations subject to PIPEDA",
    }
    AdequacyNoteJp {
        nb: "Bare virksomheter i privat sektor (APPI), med utfyllende regler",
        nn: "Berre verksemder i privat sektor (APPI), med utfyllande reglar",
        en: "Only private-sector organisations (APPI), with supplementary rules",
    }
    AdequacyNoteUs {
        nb: "Bare virksomheter som er sertifisert under EU-US Data Privacy Framework",
        nn: "Berre verksemder som er sertifiserte under EU-US Data Privacy Framework",
        en: "Only organisations certified under the EU-US Data Privacy Framework",
    }
}

impl Text {
    /// The text in `lang`, placeholders unfilled.
    pub fn get(self, lang: Lang) -> &'static str {
        let [nb, nn, en] = self.entry();
        match lang {
            Lang::Nb => nb,
            Lang::Nn => nn,
            Lang::En => en,
        }
    }

    /// The text in `lang` with each `{name}` replaced by its value.
    pub fn fill(self, lang: Lang, args: &[(&str, &str)]) -> String {
        let mut out = self.get(lang).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// The text with its placeholders' values, to be said later in whatever language is asked.
    pub fn with(self, args: &[(&'static str, &dyn std::fmt::Display)]) -> Said {
        Said {
            text: self,
            args: args
                .iter()
                .map(|(k, v)| (*k, Arg::Plain(v.to_string())))
                .collect(),
        }
    }
}

/// The value of a placeholder: as given, or itself a text of the catalogue (a noun).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Plain(String),
    Text(Text),
}

/// A text and the values of its placeholders: said in a language only when answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub text: Text,
    pub args: Vec<(&'static str, Arg)>,
}

impl Said {
    /// Fills placeholder `name` with text `t`, said in the same language as the whole.
    pub fn and_text(mut self, name: &'static str, t: Text) -> Self {
        self.args.push((name, Arg::Text(t)));
        self
    }

    pub fn render(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self
            .args
            .iter()
            .map(|(k, v)| match v {
                Arg::Plain(s) => (*k, s.as_str()),
                Arg::Text(t) => (*k, t.get(lang)),
            })
            .collect();
        self.text.fill(lang, &args)
    }
}

/// In English, for logs.
impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl From<Text> for Said {
    fn from(text: Text) -> Self {
        Said {
            text,
            args: Vec::new(),
        }
    }
}

/// The adequacy note of country `code`, in `lang`; None for a country without one.
pub fn adequacy_note(code: &str) -> Option<Text> {
    match code {
        "CA" => Some(Text::AdequacyNoteCa),
        "JP" => Some(Text::AdequacyNoteJp),
        "US" => Some(Text::AdequacyNoteUs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<&str> {
        s.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_text_is_in_every_language_with_the_same_placeholders() {
        for &t in Text::ALL {
            let [nb, nn, en] = t.entry();
            for (lang, s) in [("nb", nb), ("nn", nn), ("en", en)] {
                assert!(!s.trim().is_empty(), "{t:?} has no {lang} text");
            }
            assert_eq!(
                placeholders(nb),
                placeholders(en),
                "{t:?}: nb and en differ"
            );
            assert_eq!(
                placeholders(nn),
                placeholders(en),
                "{t:?}: nn and en differ"
            );
        }
    }

    #[test]
    fn placeholders_are_filled_in_the_asked_language() {
        let said = Text::MustBeOneOf.with(&[("values", &"active, retired")]);
        assert_eq!(said.render(Lang::Nb), "må være én av: active, retired");
        assert_eq!(said.render(Lang::Nn), "må vere ein av: active, retired");
        assert_eq!(said.render(Lang::En), "must be one of: active, retired");
    }

    #[test]
    fn every_country_with_an_adequacy_note_has_it_in_the_catalogue() {
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../data/countries.json")).unwrap();
        for c in file["countries"].as_array().unwrap() {
            let code = c["code"].as_str().unwrap();
            if let Some(note) = c["adequacy_note"].as_str() {
                let text = adequacy_note(code).unwrap_or_else(|| panic!("{code} has no note"));
                assert_eq!(text.get(Lang::En), note, "{code}");
            }
        }
    }
}
