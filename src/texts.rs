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
    MechanismNotAmongStated { nb: "`{mechanism}` må stå blant `transfer_mechanisms` når den er oppgitt", nn: "`{mechanism}` må stå mellom `transfer_mechanisms` når ho er oppgjeven", en: "`{mechanism}` must be among `transfer_mechanisms` when that is given" }
    NotATerm { nb: "`{name}` er ikke et vilkår (ett av feltnavnene i `terms`)", nn: "`{name}` er ikkje eit vilkår (eitt av feltnamna i `terms`)", en: "`{name}` is not a term (one of the field names of `terms`)" }
    TwoReadingsAtLeast { nb: "en motstrid trenger minst to lesninger, hver med avtalens ord", nn: "ei motseiing treng minst to lesingar, kvar med orda i avtalen", en: "a conflict needs at least two readings, each with the agreement's words" }
    MustNotBeBlank { nb: "kan ikke være tom", nn: "kan ikkje vere tom", en: "must not be blank" }
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

    // Identifiers and names.
    OrgNumberNineDigits { nb: "må være 9 sifre", nn: "må vere 9 siffer", en: "must be 9 digits" }
    OrgNumberNoCheckDigit { nb: "har ikke noe gyldig MOD11-kontrollsiffer", nn: "har ikkje noko gyldig MOD11-kontrollsiffer", en: "has no valid MOD11 check digit" }
    OrgNumberFailsMod11 { nb: "stemmer ikke med MOD11-kontrollen (kontrollsifferet skulle vært {check})", nn: "stemmer ikkje med MOD11-kontrollen (kontrollsifferet skulle vore {check})", en: "fails the MOD11 check (check digit should be {check})" }
    MustBeSlug { nb: "må være en id med små bokstaver a-z, sifre 0-9 og enkle bindestreker, høyst {max} tegn", nn: "må vere ein id med små bokstavar a-z, siffer 0-9 og enkle bindestrekar, høgst {max} teikn", en: "must be a lowercase slug of a-z, 0-9 and single hyphens, at most {max} characters" }
    MustBeCountryCode { nb: "må være en ISO 3166-1 alpha-2-kode med store bokstaver, f.eks. NO", nn: "må vere ein ISO 3166-1 alpha-2-kode med store bokstavar, t.d. NO", en: "must be an ISO 3166-1 alpha-2 code in upper case, e.g. NO" }
    BidiControls { nb: "inneholder tegn som snur skriveretningen", nn: "inneheld teikn som snur skriveretninga", en: "contains bidirectional control characters" }
    InvisibleCharacters { nb: "inneholder usynlige tegn (nullbredde- eller formateringstegn)", nn: "inneheld usynlege teikn (nullbreidde- eller formateringsteikn)", en: "contains invisible characters (zero-width or format characters)" }
    MustNotBeEmpty { nb: "kan ikke være tom", nn: "kan ikkje vere tom", en: "must not be empty" }
    MustHoldLetterOrDigit { nb: "må inneholde en bokstav eller et siffer", nn: "må innehalde ein bokstav eller eit siffer", en: "must hold a letter or a digit" }

    // Query parameters.
    GivenOnlyOnce { nb: "kan bare oppgis én gang", nn: "kan berre oppgjevast éin gong", en: "may be given only once" }
    UnknownParam { nb: "ukjent spørreparameter; dette endepunktet tar imot: {names}", nn: "ukjend spørjeparameter; dette endepunktet tek imot: {names}", en: "unknown query parameter; this endpoint accepts: {names}" }
    UnknownParamNone { nb: "ukjent spørreparameter; dette endepunktet tar ikke imot spørreparametere", nn: "ukjend spørjeparameter; dette endepunktet tek ikkje imot spørjeparametrar", en: "unknown query parameter; this endpoint takes no query parameters" }
    IsNotExpected { nb: "`{value}` er ikke {expected}", nn: "`{value}` er ikkje {expected}", en: "`{value}` is not {expected}" }
    Details { nb: "{details}", nn: "{details}", en: "{details}" }
    DetailsAndMore { nb: "{details} (og {more} til)", nn: "{details} (og {more} til)", en: "{details} (and {more} more)" }
    Verbatim { nb: "{text}", nn: "{text}", en: "{text}" }
    ExpectTrueOrFalse { nb: "true eller false", nn: "true eller false", en: "true or false" }
    ExpectSensitivity { nb: "én av low, medium, high", nn: "ein av low, medium, high", en: "one of low, medium, high" }
    ExpectMechanism { nb: "et overføringsgrunnlag (eea, adequacy, dpf, scc, bcr, derogation, privacy_shield, none_stated)", nn: "eit overføringsgrunnlag (eea, adequacy, dpf, scc, bcr, derogation, privacy_shield, none_stated)", en: "a transfer mechanism (eea, adequacy, dpf, scc, bcr, derogation, privacy_shield, none_stated)" }
    ExpectFlag { nb: "et kjent flagg", nn: "eit kjent flagg", en: "a known flag" }
    ExpectDataSubject { nb: "én av pupils, staff, guardians, contact_persons", nn: "ein av pupils, staff, guardians, contact_persons", en: "one of pupils, staff, guardians, contact_persons" }
    ExpectStatus { nb: "active, retired eller unregistered", nn: "active, retired eller unregistered", en: "active, retired or unregistered" }
    ExpectCsvDialect { nb: "standard eller excel", nn: "standard eller excel", en: "standard or excel" }
    ExpectTime { nb: "et RFC 3339-tidspunkt eller en ISO 8601-dato", nn: "eit RFC 3339-tidspunkt eller ein ISO 8601-dato", en: "an RFC 3339 time or ISO 8601 date" }
    ExpectServiceSort { nb: "én av relevance, id, name, updated_at (med - foran for synkende)", nn: "ein av relevance, id, name, updated_at (med - framfor for søkkande)", en: "one of relevance, id, name, updated_at (prefix - for descending)" }
    ExpectFeideId { nb: "en tjeneste-id i Feide (desimale sifre, som i 16540)", nn: "ein teneste-id i Feide (desimale siffer, som i 16540)", en: "a Feide service id (decimal digits, as in 16540)" }
    ExpectOrgNumber { nb: "et gyldig norsk organisasjonsnummer", nn: "eit gyldig norsk organisasjonsnummer", en: "a valid Norwegian organisation number" }
    ExpectAdequacy { nb: "én av eea, full, partial, none", nn: "ein av eea, full, partial, none", en: "one of eea, full, partial, none" }
    ExpectOurCursor { nb: "en peker dette registeret har utstedt", nn: "ein peikar dette registeret har skrive ut", en: "a cursor this registry issued" }
    ExpectPlainText { nb: "tekst uten kontrolltegn", nn: "tekst utan kontrollteikn", en: "text without control characters" }
    ExpectHttpStatus { nb: "en HTTP-statuskode", nn: "ein HTTP-statuskode", en: "an HTTP status code" }
    ExpectLimit { nb: "et heltall fra 1 til {max}", nn: "eit heiltal frå 1 til {max}", en: "an integer from 1 to {max}" }
    ComparesServices { nb: "sammenligner {min} til {max} tjenester, ikke {given}", nn: "samanliknar {min} til {max} tenester, ikkje {given}", en: "compares {min} to {max} services, not {given}" }
    AtMostChars { nb: "kan være på høyst {max} tegn", nn: "kan vere på høgst {max} teikn", en: "must be at most {max} characters" }
    AtMostWords { nb: "kan ha høyst {max} ulike ord ({given} oppgitt)", nn: "kan ha høgst {max} ulike ord ({given} oppgjevne)", en: "must have at most {max} distinct words ({given} given)" }
    NotAnAttributeSee { nb: "`{name}` er ikke et Feide-attributt (se /api/v1/attributes)", nn: "`{name}` er ikkje eit Feide-attributt (sjå /api/v1/attributes)", en: "`{name}` is not a Feide attribute (see /api/v1/attributes)" }
    RelevanceNeedsQ { nb: "relevance krever et søkeord i `q`", nn: "relevance krev eit søkjeord i `q`", en: "relevance needs a search term in `q`" }
    NotACountryCode { nb: "er ikke en ISO 3166-1 alpha-2-kode med store bokstaver", nn: "er ikkje ein ISO 3166-1 alpha-2-kode med store bokstavar", en: "is not an ISO 3166-1 alpha-2 code in upper case" }
    ValueNotACountryCode { nb: "`{value}` er ikke en ISO 3166-1 alpha-2-kode med store bokstaver", nn: "`{value}` er ikkje ein ISO 3166-1 alpha-2-kode med store bokstavar", en: "`{value}` is not an ISO 3166-1 alpha-2 code in upper case" }
    NotAFacet { nb: "`{value}` er ikke en fasett (attribute, country, sub_processor, flag, vendor)", nn: "`{value}` er ikkje ein fasett (attribute, country, sub_processor, flag, vendor)", en: "`{value}` is not a facet (attribute, country, sub_processor, flag, vendor)" }
    NotAScope { nb: "er ikke et Feide OIDC-scope (se /api/v1/oidc-scopes)", nn: "er ikkje eit Feide OIDC-scope (sjå /api/v1/oidc-scopes)", en: "is not a Feide OIDC scope (see /api/v1/oidc-scopes)" }
    ServicesRequired { nb: "er påkrevd: {min} til {max} tjeneste-id-er, skilt med komma", nn: "er påkravd: {min} til {max} teneste-id-ar, skilde med komma", en: "is required: {min} to {max} service ids, comma-separated" }
    NoServiceWithId { nb: "ingen tjeneste har id-en `{id}`", nn: "inga teneste har id-en `{id}`", en: "no service with id `{id}`" }
    CursorOtherSort { nb: "hører til en annen sortering; begynn på nytt uten peker", nn: "høyrer til ei anna sortering; byrj på nytt utan peikar", en: "belongs to another sort order; start again without a cursor" }
    NotOurCursor { nb: "er ikke en peker dette registeret har utstedt", nn: "er ikkje ein peikar dette registeret har skrive ut", en: "is not a cursor this registry issued" }
    NotUtf8Form { nb: "er ikke gyldig UTF-8-skjemakoding", nn: "er ikkje gyldig UTF-8-skjemakoding", en: "is not valid UTF-8 form encoding" }
    MalformedBecause { nb: "kan ikke leses: {error}", nn: "kan ikkje lesast: {error}", en: "is malformed: {error}" }
    QueryMalformed { nb: "kan ikke leses", nn: "kan ikkje lesast", en: "is malformed" }
    BeyondLatestChange { nb: "{after} er etter den siste endringen dette registeret har utstedt", nn: "{after} er etter den siste endringa dette registeret har skrive ut", en: "{after} is beyond the latest change this registry has issued" }
    Resync {
        nb: "{problem}. Den siste endringen er {tip}: for å synkronisere på nytt, les katalogen igjen og følg strømmen fra `since={tip}`, eller spill av alle endringene fra `since=0`",
        nn: "{problem}. Den siste endringa er {tip}: for å synkronisere på nytt, les katalogen om att og følg straumen frå `since={tip}`, eller spel av alle endringane frå `since=0`",
        en: "{problem}. The latest change is {tip}: to resynchronise, re-read the catalogue and follow the feed from `since={tip}`, or replay every change from `since=0`",
    }
    BodyUnreadable { nb: "kunne ikke leses: {error}", nn: "kunne ikkje lesast: {error}", en: "could not be read: {error}" }
    TokenNoQuery { nb: "token-endepunktet tar ikke imot noen spørrestreng", nn: "token-endepunktet tek ikkje imot nokon spørjestreng", en: "the token endpoint takes no query string" }

    // Refusals: 401, 403, 404, 406, 409.
    TitleCorsRefused { nb: "Forespørsel fra annet opphav avvist", nn: "Førespurnad frå anna opphav avvist", en: "Cross-origin request refused" }
    CorsNoPost { nb: "{origin} kan ikke sende POST hit: nettlesere på andre opphav kan lese, og kan bare sende POST til {path}.", nn: "{origin} kan ikkje sende POST hit: nettlesarar på andre opphav kan lese, og kan berre sende POST til {path}.", en: "{origin} may not send POST here: browsers on other origins may read, and may POST only to {path}." }
    CorsRefused { nb: "{reason}. Tillatte opphav, metoder og headere bestemmes av driftsansvarlig (`CORS_ORIGINS`).", nn: "{reason}. Tillatne opphav, metodar og headerar blir fastsette av driftsansvarleg (`CORS_ORIGINS`).", en: "{reason}. Allowed origins, methods and headers are set by the operator (`CORS_ORIGINS`)." }
    CorsOriginRefused { nb: "Opphavet har ikke lov til å gjøre denne forespørselen", nn: "Opphavet har ikkje lov til å gjere denne førespurnaden", en: "Origin is not allowed to make this request" }
    NoSuchEntity { nb: "Det finnes ingen {what} med id-en `{id}`.", nn: "Det finst ingen {what} med id-en `{id}`.", en: "No {what} with id `{id}`." }
    ServiceWord { nb: "tjeneste", nn: "teneste", en: "service" }
    VendorWord { nb: "leverandør", nn: "leverandør", en: "vendor" }
    SubProcessorWord { nb: "underdatabehandler", nn: "underdatabehandlar", en: "sub-processor" }
    CountryWord { nb: "land", nn: "land", en: "country" }
    EntityExists { nb: "{kind} `{id}` finnes allerede: endre den med PUT eller PATCH.", nn: "{kind} `{id}` finst alt: endra han med PUT eller PATCH.", en: "{kind} `{id}` exists already: change it with PUT or PATCH." }
    TheService { nb: "Tjenesten", nn: "Tenesta", en: "Service" }
    TheVendor { nb: "Leverandøren", nn: "Leverandøren", en: "Vendor" }
    TheSubProcessor { nb: "Underdatabehandleren", nn: "Underdatabehandlaren", en: "Sub-processor" }
    EntryIdExists { nb: "En oppføring med denne id-en finnes allerede.", nn: "Ei oppføring med denne id-en finst alt.", en: "An entry with this id exists already." }
    NoSuchEntry { nb: "Oppføringen finnes ikke.", nn: "Oppføringa finst ikkje.", en: "No such entry." }
    OrgNumberBelongsToOther { nb: "Organisasjonsnummeret {org} tilhører en annen leverandør.", nn: "Organisasjonsnummeret {org} høyrer til ein annan leverandør.", en: "Organisation number {org} belongs to another vendor." }
    SubProcessorCreatedMeanwhile { nb: "Underdatabehandleren `{id}` ble opprettet av en annen skriving i mellomtiden: vis til den med id i stedet for å definere den i `new_sub_processors`.", nn: "Underdatabehandlaren `{id}` vart oppretta av ei anna skriving i mellomtida: vis til han med id i staden for å definere han i `new_sub_processors`.", en: "Sub-processor `{id}` was created by another write meanwhile: refer to it by id instead of defining it in `new_sub_processors`." }
    NotAFeideAttribute { nb: "`{name}` er ikke et Feide-attributt.", nn: "`{name}` er ikkje eit Feide-attributt.", en: "`{name}` is not a Feide attribute." }
    NoResourceAt { nb: "Det finnes ingen ressurs på {path}.", nn: "Det finst ingen ressurs på {path}.", en: "No resource at {path}." }
    AvailableAsJson { nb: "Ressursen finnes som application/json.", nn: "Ressursen finst som application/json.", en: "This resource is available as application/json." }
    AvailableAsJsonOrCsv { nb: "Ressursen finnes som application/json eller text/csv.", nn: "Ressursen finst som application/json eller text/csv.", en: "This resource is available as application/json or text/csv." }
    FeideSyncForAdmins { nb: "Bare administratorer starter en synkronisering med Feide.", nn: "Berre administratorar startar ei synkronisering med Feide.", en: "Only administrators start a Feide sync." }
    FeideLinkOff { nb: "Koblingen til Feide er slått av: FEIDE_API_URL er tom.", nn: "Koplinga til Feide er slått av: FEIDE_API_URL er tom.", en: "The Feide link is turned off: FEIDE_API_URL is empty." }
    FeideProvidersForAdmins { nb: "Bare administratorer bestemmer hvilken leverandør en Feide-tilbyder er.", nn: "Berre administratorar avgjer kva leverandør ein Feide-tilbydar er.", en: "Only administrators decide which vendor a Feide provider is." }
    NoSuchFeideProvider { nb: "Registeret kjenner ingen Feide-tilbyder `{id}`: den dukker opp når Feides tjenesteliste nevner den.", nn: "Registeret kjenner ingen Feide-tilbydar `{id}`: han dukkar opp når Feide si tenesteliste nemner han.", en: "The registry knows no Feide provider `{id}`: one appears when Feide's service listing names it." }
    NothingProposed { nb: "Ingen leverandør er foreslått for denne tilbyderen: oppgi `vendor`.", nn: "Ingen leverandør er føreslått for denne tilbydaren: oppgi `vendor`.", en: "No vendor is proposed for this provider: give `vendor`." }
    UnregisteredIsFeides { nb: "`unregistered` settes bare av importen fra Feide: registrer avtalefaktaene med status `active`.", nn: "`unregistered` blir berre sett av importen frå Feide: registrer avtalefakta med status `active`.", en: "`unregistered` is set by the Feide import alone: register the agreement facts with status `active`." }
    AuditForAdmins { nb: "Bare administratorer leser revisjonsloggen.", nn: "Berre administratorar les revisjonsloggen.", en: "Only administrators read the audit log." }
    TokenNeeded { nb: "Dette kallet krever et tilgangstoken: `Authorization: Bearer <token>`.", nn: "Dette kallet krev eit tilgangstoken: `Authorization: Bearer <token>`.", en: "This call needs an access token: `Authorization: Bearer <token>`." }
    TokenInvalid { nb: "Tilgangstokenet er ugyldig eller utløpt.", nn: "Tilgangstokenet er ugyldig eller gått ut.", en: "The access token is invalid or expired." }
    ClientRefused { nb: "ukjent klient, feil hemmelighet eller tilbakekalt klient", nn: "ukjend klient, feil løyndom eller tilbakekalla klient", en: "unknown client, wrong secret or revoked client" }
    TokenNoScope { nb: "Tokenet har ikke noe scope for dette registeret.", nn: "Tokenet har ikkje noko scope for dette registeret.", en: "The token carries no scope of this registry." }
    TokenNoOrganisation { nb: "Tokenet oppgir ingen organisasjon (`consumer`).", nn: "Tokenet oppgjev ingen organisasjon (`consumer`).", en: "The token names no organisation (`consumer`)." }
    NoVendorWithOrg { nb: "Ingen leverandør i registeret har organisasjonsnummeret {org}.", nn: "Ingen leverandør i registeret har organisasjonsnummeret {org}.", en: "No vendor in the registry has organisation number {org}." }
    SeveralVendorsWithOrg { nb: "Mer enn én leverandør har organisasjonsnummeret {org}: en administrator må rydde opp.", nn: "Meir enn éin leverandør har organisasjonsnummeret {org}: ein administrator må rydde opp.", en: "More than one vendor has organisation number {org}: an administrator must resolve it." }
    OnlyOwnEntries { nb: "{actor} kan bare endre sin egen leverandøroppføring og sine egne tjenester.", nn: "{actor} kan berre endre si eiga leverandøroppføring og sine eigne tenester.", en: "{actor} may change only its own vendor entry and services." }
    MayNotCreateVendors { nb: "{actor} kan ikke opprette leverandører.", nn: "{actor} kan ikkje opprette leverandørar.", en: "{actor} may not create vendors." }
    MayNotChangeOtherVendor { nb: "{actor} kan ikke endre en annen leverandørs oppføring.", nn: "{actor} kan ikkje endre oppføringa til ein annan leverandør.", en: "{actor} may not change another vendor's entry." }
    MayNotSetOrgNumber {
        nb: "{actor} kan ikke sette eller endre et organisasjonsnummer (det gjør en administrator, siden det avgjør hvilken leverandør en organisasjons Maskinporten-token opptrer som).",
        nn: "{actor} kan ikkje setje eller endre eit organisasjonsnummer (det gjer ein administrator, sidan det avgjer kva leverandør Maskinporten-tokena til ein organisasjon opptrer som).",
        en: "{actor} may not set or change an organisation number (an administrator does, since it decides which vendor an organisation's Maskinporten tokens act as).",
    }

    // Municipalities and portfolios.
    TheMunicipality { nb: "Kommunen", nn: "Kommunen", en: "Municipality" }
    MunicipalityWord { nb: "kommune", nn: "kommune", en: "municipality" }
    PortfolioEntryWord { nb: "porteføljeoppføring", nn: "porteføljeoppføring", en: "portfolio entry" }
    MunicipalityNumberDigits { nb: "må være {digits} sifre", nn: "må vere {digits} siffer", en: "must be {digits} digits" }
    MustBeHttpUrl { nb: "må være en http- eller https-URL uten mellomrom", nn: "må vere ein http- eller https-URL utan mellomrom", en: "must be an http or https URL without spaces" }
    MayNotCreateMunicipalities { nb: "{actor} kan ikke opprette kommuner.", nn: "{actor} kan ikkje opprette kommunar.", en: "{actor} may not create municipalities." }
    OnlyOwnMunicipality { nb: "{actor} kan bare endre sin egen kommune og dens portefølje.", nn: "{actor} kan berre endre sin eigen kommune og porteføljen hans.", en: "{actor} may change only its own municipality and its portfolio." }
    MunicipalityOnlyPortfolioVisibility { nb: "{actor} kan bare velge om porteføljen er offentlig (`portfolio`); navn og numre setter en administrator.", nn: "{actor} kan berre velje om porteføljen er offentleg (`portfolio`); namn og nummer set ein administrator.", en: "{actor} may only choose whether the portfolio is public (`portfolio`); names and numbers are set by an administrator." }
    MunicipalityOrgNumberTaken { nb: "Organisasjonsnummeret {org} tilhører en annen kommune.", nn: "Organisasjonsnummeret {org} høyrer til ein annan kommune.", en: "Organisation number {org} belongs to another municipality." }
    NoMunicipalityWithOrg { nb: "Ingen kommune i registeret har organisasjonsnummeret {org}.", nn: "Ingen kommune i registeret har organisasjonsnummeret {org}.", en: "No municipality in the registry has organisation number {org}." }

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
        nb: "Ingen av overføringsgrunnlagene avtalen oppgir for en underdatabehandler holder: bare EU-US Privacy Shield (ugyldig siden EU-domstolens dom C-311/18, 2020), eller et tredjeland uten vedtak om tilstrekkelig beskyttelsesnivå nås med bare `eea`, `adequacy`, `none_stated` eller Privacy Shield, eller et med delvis tilstrekkelig beskyttelsesnivå med bare `eea`, `none_stated` eller Privacy Shield.",
        nn: "Ingen av overføringsgrunnlaga avtalen oppgjev for ein underdatabehandlar held: berre EU-US Privacy Shield (ugyldig sidan EU-domstolen sin dom C-311/18, 2020), eller eit tredjeland utan vedtak om tilstrekkeleg vernenivå blir nådd med berre `eea`, `adequacy`, `none_stated` eller Privacy Shield, eller eitt med delvis tilstrekkeleg vernenivå med berre `eea`, `none_stated` eller Privacy Shield.",
        en: "None of the transfer bases the agreement states for a sub-processor holds: only EU-US Privacy Shield (invalid since CJEU C-311/18, 2020), or a third country with no adequacy decision reached under only `eea`, `adequacy`, `none_stated` or Privacy Shield, or one with partial adequacy under only `eea`, `none_stated` or Privacy Shield.",
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
    FlagContradictoryTermsLabel { nb: "Motstridende vilkår", nn: "Motstridande vilkår", en: "Contradictory terms" }
    FlagContradictoryTermsRule {
        nb: "Avtalen oppgir minst ett vilkår ulikt i to klausuler (`terms.conflicts`, med begge klausulenes ord); verdien registeret viser er én lesning, og avtalen bør leses der.",
        nn: "Avtalen oppgjev minst eitt vilkår ulikt i to klausular (`terms.conflicts`, med orda i begge klausulane); verdien registeret viser er éi lesing, og avtalen bør lesast der.",
        en: "The agreement states at least one term differently in two clauses (`terms.conflicts`, with both clauses' words); the value the registry shows is one reading, and the agreement should be read there.",
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

    // Announcements of sub-processor changes.
    AnnouncementWord { nb: "kunngjøring", nn: "kunngjering", en: "announcement" }
    WebhookWord { nb: "webhook-abonnement", nn: "webhook-abonnement", en: "webhook subscription" }
    DeliveryWord { nb: "levering", nn: "levering", en: "delivery" }
    EffectiveDateNotAfterToday { nb: "må være etter i dag ({today})", nn: "må vere etter i dag ({today})", en: "must be after today ({today})" }
    AnnouncementChangesNothing { nb: "en kunngjøring må endre minst én underdatabehandler", nn: "ei kunngjering må endre minst éin underdatabehandlar", en: "an announcement must change at least one sub-processor" }
    SubProcessorAlreadyUsed { nb: "tjenesten bruker allerede `{id}`: kunngjør en endring av stedene i stedet", nn: "tenesta brukar alt `{id}`: kunngjer ei endring av stadene i staden", en: "the service already uses `{id}`: announce a change of its locations instead" }
    SubProcessorNotUsed { nb: "tjenesten bruker ikke `{id}`", nn: "tenesta brukar ikkje `{id}`", en: "the service does not use `{id}`" }
    SubProcessorChangedTwice { nb: "`{id}` endres mer enn én gang i denne kunngjøringen", nn: "`{id}` vert endra meir enn éin gong i denne kunngjeringa", en: "`{id}` is changed more than once in this announcement" }
    NewSubProcessorNotAdded { nb: "ingen endring legger til `{id}`", nn: "inga endring legg til `{id}`", en: "no change adds `{id}`" }
    AnnouncementNotPending { nb: "Kunngjøringen `{id}` er {status}: bare en ventende kunngjøring kan trekkes tilbake.", nn: "Kunngjeringa `{id}` er {status}: berre ei ventande kunngjering kan trekkjast attende.", en: "Announcement `{id}` is {status}: only a pending announcement can be withdrawn." }
    AnnouncementsApplyForAdmins { nb: "Bare administratorer setter forfalte kunngjøringer i verk på forespørsel.", nn: "Berre administratorar set forfalne kunngjeringar i verk på førespurnad.", en: "Only administrators apply due announcements on demand." }
    OnlyOwnAnnouncements { nb: "{actor} kan bare kunngjøre og trekke tilbake endringer i sine egne tjenester.", nn: "{actor} kan berre kunngjere og trekkje attende endringar i sine eigne tenester.", en: "{actor} may announce and withdraw changes to its own services only." }
    OnlyOwnResponses { nb: "{actor} kan bare svare på kunngjøringer for sin egen kommune.", nn: "{actor} kan berre svare på kunngjeringar for sin eigen kommune.", en: "{actor} may answer announcements for its own municipality only." }
    ResponsesForTheVendor { nb: "{actor} kan bare lese svarene på kunngjøringer om sine egne tjenester.", nn: "{actor} kan berre lese svara på kunngjeringar om sine eigne tenester.", en: "{actor} may read the answers to announcements of its own services only." }
    AnnouncementNotAnswerable { nb: "Kunngjøringen `{id}` er {status}: bare en ventende kunngjøring kan besvares.", nn: "Kunngjeringa `{id}` er {status}: berre ei ventande kunngjering kan svarast på.", en: "Announcement `{id}` is {status}: only a pending announcement takes answers." }
    ObjectionDeadlinePassed { nb: "Fristen for å protestere på kunngjøringen `{id}` var {deadline}.", nn: "Fristen for å protestere på kunngjeringa `{id}` var {deadline}.", en: "The deadline to object to announcement `{id}` was {deadline}." }
    ServiceNotInPortfolio { nb: "`{service}` er ikke i porteføljen til `{municipality}`", nn: "`{service}` er ikkje i porteføljen til `{municipality}`", en: "`{service}` is not in the portfolio of `{municipality}`" }
    ServiceNoLongerUsed { nb: "`{service}` er `{status}` i porteføljen til `{municipality}`: bare en tjeneste i bruk, under vurdering eller godkjent kan få svar", nn: "`{service}` er `{status}` i porteføljen til `{municipality}`: berre ei teneste i bruk, under vurdering eller godkjend kan få svar", en: "`{service}` is `{status}` in the portfolio of `{municipality}`: only a service in use, under assessment or approved can be answered for" }
    WebhookUrlTooLong { nb: "adressen kan være på høyst {max} tegn", nn: "adressa kan vere på høgst {max} teikn", en: "the URL must be at most {max} characters" }
    WebhookUrlMalformed { nb: "ikke en absolutt URL med vertsnavn", nn: "ikkje ein absolutt URL med vertsnamn", en: "not an absolute URL with a host" }
    WebhookUrlNotHttps { nb: "mottakeren må nås over https", nn: "mottakaren må nåast over https", en: "the receiver must be reached over https" }
    WebhookUrlCredentials { nb: "adressen kan ikke inneholde brukernavn eller passord", nn: "adressa kan ikkje innehalde brukarnamn eller passord", en: "the URL must not hold a user name or password" }
    WebhookUrlNotPublic { nb: "`{address}` er ikke en offentlig adresse", nn: "`{address}` er ikkje ei offentleg adresse", en: "`{address}` is not a public address" }
    WebhookUrlUnresolved { nb: "vertsnavnet `{host}` kan ikke slås opp", nn: "vertsnamnet `{host}` kan ikkje slåast opp", en: "the host name `{host}` cannot be resolved" }
    WebhookEventsEmpty { nb: "velg minst én hendelse", nn: "vel minst éi hending", en: "choose at least one event" }
    WebhookDeadlineDaysNeeded { nb: "`announcement.deadline_approaching` trenger `deadline_days`", nn: "`announcement.deadline_approaching` treng `deadline_days`", en: "`announcement.deadline_approaching` needs `deadline_days`" }
    WebhookDeadlineDaysRange { nb: "må være fra {min} til {max} dager", nn: "må vere frå {min} til {max} dagar", en: "must be from {min} to {max} days" }
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
    /// Several texts, each said in the whole's language, joined by `; `.
    All(Vec<Said>),
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

    /// Fills placeholder `name` with `value` as it is.
    pub fn and_plain(mut self, name: &'static str, value: impl std::fmt::Display) -> Self {
        self.args.push((name, Arg::Plain(value.to_string())));
        self
    }

    /// Fills placeholder `name` with text `t`, said in the same language as the whole, and `t`'s
    /// own placeholders with the values `said` carries (after this one, so they fill `t`).
    pub fn and_said(mut self, name: &'static str, said: Said) -> Self {
        self.args.push((name, Arg::Text(said.text)));
        self.args.extend(said.args);
        self
    }

    pub fn render(&self, lang: Lang) -> String {
        let all: Vec<(&str, std::borrow::Cow<'_, str>)> = self
            .args
            .iter()
            .map(|(k, v)| match v {
                Arg::Plain(s) => (*k, s.as_str().into()),
                Arg::Text(t) => (*k, t.get(lang).into()),
                Arg::All(list) => (
                    *k,
                    list.iter()
                        .map(|s| s.render(lang))
                        .collect::<Vec<_>>()
                        .join("; ")
                        .into(),
                ),
            })
            .collect();
        let args: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        self.text.fill(lang, &args)
    }
}

/// In English, for logs.
impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// A text that exists in one wording only (a caller's own words, a library's message): said as
/// it is in every language.
impl From<String> for Said {
    fn from(text: String) -> Self {
        Text::Verbatim.with(&[("text", &text)])
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
