//! Every label and explanation the pages write, in nb, nn and en: one table, so a page never
//! shows one language's words in another's. The registry's other texts (flag labels and rules,
//! adequacy notes, problems) stay in `crate::texts` and are reused from there.

use crate::domain::reference::Lang;

macro_rules! page_texts {
    ($($id:ident { nb: $nb:literal, nn: $nn:literal, en: $en:literal $(,)? })*) => {
        /// The id of a page text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $($id,)* }

        impl T {
            pub const ALL: &'static [T] = &[$(T::$id,)*];

            fn entry(self) -> [&'static str; 3] {
                match self { $(T::$id => [$nb, $nn, $en],)* }
            }
        }
    };
}

page_texts! {
    // The frame of every page.
    SiteName { nb: "Feide-registeret", nn: "Feide-registeret", en: "The Feide registry" }
    SiteTagline { nb: "Hva skoletjenester gjør med elevenes data, med avtalenes egne ord", nn: "Kva skuletenester gjer med dataa til elevane, med orda i avtalane", en: "What school services do with pupils' data, in the agreements' own words" }
    SkipToContent { nb: "Hopp til innholdet", nn: "Hopp til innhaldet", en: "Skip to content" }
    MainNav { nb: "Hovedmeny", nn: "Hovudmeny", en: "Main menu" }
    LanguageNav { nb: "Språk", nn: "Språk", en: "Language" }
    NavServices { nb: "Tjenester", nn: "Tenester", en: "Services" }
    NavCompare { nb: "Sammenlign", nn: "Samanlikn", en: "Compare" }
    NavReport { nb: "Rapport", nn: "Rapport", en: "Report" }
    NavAbout { nb: "Om flaggene og dataene", nn: "Om flagga og dataa", en: "About the flags and data" }
    NavApi { nb: "API", nn: "API", en: "API" }
    FooterSource { nb: "Opplysningene er hentet fra databehandleravtalene og Feides egne data. Hvert faktum viser avtalens egne ord og kilden.", nn: "Opplysningane er henta frå databehandlaravtalane og Feide sine eigne data. Kvart faktum viser orda i avtalen og kjelda.", en: "The facts come from the data processing agreements and Feide's own data. Every fact shows the agreement's own words and its source." }
    AsJson { nb: "Samme data som JSON", nn: "Same data som JSON", en: "The same data as JSON" }
    Print { nb: "Siden kan skrives ut: bruk nettleserens utskrift.", nn: "Sida kan skrivast ut: bruk utskrifta i nettlesaren.", en: "This page prints: use the browser's print." }

    // Home: search, facets, results.
    HomeTitle { nb: "Tjenester i skolen og hva de får vite", nn: "Tenester i skulen og kva dei får vite", en: "School services and what they learn" }
    HomeIntro { nb: "Søk blant tjenestene og avgrens med filtrene. Tallet ved hvert filter er hvor mange tjenester som har det.", nn: "Søk mellom tenestene og avgrens med filtra. Talet ved kvart filter er kor mange tenester som har det.", en: "Search the services and narrow them with the filters. The number by each filter is how many services have it." }
    SearchLabel { nb: "Søk etter tjeneste, leverandør eller formål", nn: "Søk etter teneste, leverandør eller føremål", en: "Search for a service, vendor or purpose" }
    SearchButton { nb: "Søk", nn: "Søk", en: "Search" }
    ResultsHeading { nb: "Treff", nn: "Treff", en: "Results" }
    ResultCount { nb: "{count} tjenester passer", nn: "{count} tenester passar", en: "{count} services match" }
    NoResults { nb: "Ingen tjenester passer. Fjern et filter eller søk etter noe annet.", nn: "Ingen tenester passar. Fjern eit filter eller søk etter noko anna.", en: "No service matches. Remove a filter or search for something else." }
    FiltersHeading { nb: "Filtre", nn: "Filter", en: "Filters" }
    ActiveFilters { nb: "Valgte filtre", nn: "Valde filter", en: "Chosen filters" }
    RemoveFilter { nb: "{filter} (fjern)", nn: "{filter} (fjern)", en: "{filter} (remove)" }
    ClearFilters { nb: "Fjern alle filtre", nn: "Fjern alle filter", en: "Remove every filter" }
    FacetFlag { nb: "Flagg", nn: "Flagg", en: "Flags" }
    FacetCountry { nb: "Land dataene når", nn: "Land dataa når", en: "Countries the data reaches" }
    FacetAttribute { nb: "Feide-attributter", nn: "Feide-attributtar", en: "Feide attributes" }
    FacetSubProcessor { nb: "Underdatabehandlere", nn: "Underdatabehandlarar", en: "Sub-processors" }
    FacetVendor { nb: "Leverandører", nn: "Leverandørar", en: "Vendors" }
    FacetOutsideEea { nb: "Utenfor EØS", nn: "Utanfor EØS", en: "Outside the EEA" }
    OutsideEeaTrue { nb: "Data når et land utenfor EØS", nn: "Data når eit land utanfor EØS", en: "Data reaches a country outside the EEA" }
    OutsideEeaFalse { nb: "Data blir i EØS", nn: "Data blir verande i EØS", en: "Data stays in the EEA" }
    ServicesCount { nb: "{count} tjenester", nn: "{count} tenester", en: "{count} services" }
    NextPage { nb: "Flere treff", nn: "Fleire treff", en: "More results" }
    ByVendor { nb: "fra {vendor}", nn: "frå {vendor}", en: "by {vendor}" }
    NoFlagsShort { nb: "ingen flagg", nn: "ingen flagg", en: "no flags" }

    // The service page.
    Vendor { nb: "Leverandør", nn: "Leverandør", en: "Vendor" }
    Website { nb: "Nettsted", nn: "Nettstad", en: "Website" }
    StatusLabel { nb: "Status", nn: "Status", en: "Status" }
    StatusActive { nb: "i bruk", nn: "i bruk", en: "active" }
    StatusRetired { nb: "avviklet", nn: "avvikla", en: "retired" }
    StatusUnregistered { nb: "bare kjent fra Feide, ingen avtale registrert", nn: "berre kjend frå Feide, ingen avtale registrert", en: "known only from Feide, no agreement registered" }
    Purposes { nb: "Formål", nn: "Føremål", en: "Purposes" }
    DataSubjects { nb: "Hvem dataene gjelder", nn: "Kven dataa gjeld", en: "Whose data" }
    SubjectPupils { nb: "elever", nn: "elevar", en: "pupils" }
    SubjectStaff { nb: "ansatte", nn: "tilsette", en: "staff" }
    SubjectGuardians { nb: "foresatte", nn: "føresette", en: "guardians" }
    SubjectContactPersons { nb: "kontaktpersoner", nn: "kontaktpersonar", en: "contact persons" }
    AttributesHeading { nb: "Hva tjenesten mottar fra Feide, og hvorfor", nn: "Kva tenesta får frå Feide, og kvifor", en: "What the service receives from Feide, and why" }
    AttributesNone { nb: "Avtalen oppgir ingen Feide-attributter.", nn: "Avtalen oppgjev ingen Feide-attributtar.", en: "The agreement declares no Feide attributes." }
    AttributeCol { nb: "Attributt", nn: "Attributt", en: "Attribute" }
    SensitivityCol { nb: "Sensitivitet", nn: "Sensitivitet", en: "Sensitivity" }
    WhyCol { nb: "Hvorfor (leverandørens begrunnelse)", nn: "Kvifor (grunngjevinga til leverandøren)", en: "Why (the vendor's justification)" }
    ViaScope { nb: "gjennom scopet {scope}", nn: "gjennom scopet {scope}", en: "through the scope {scope}" }
    NoJustification { nb: "Ingen begrunnelse oppgitt", nn: "Inga grunngjeving oppgjeven", en: "No justification given" }
    SensitivityLow { nb: "lav", nn: "låg", en: "low" }
    SensitivityMedium { nb: "middels", nn: "middels", en: "medium" }
    SensitivityHigh { nb: "høy", nn: "høg", en: "high" }
    LocationsHeading { nb: "Hvor dataene er", nn: "Kvar dataa er", en: "Where the data goes" }
    LocationsNone { nb: "Avtalen oppgir ikke hvor dataene lagres eller behandles.", nn: "Avtalen oppgjev ikkje kvar dataa blir lagra eller behandla.", en: "The agreement does not state where the data is stored or processed." }
    CountryCol { nb: "Land", nn: "Land", en: "Country" }
    StatusCol { nb: "Vern", nn: "Vern", en: "Protection" }
    WhoCol { nb: "Hvem", nn: "Kven", en: "Who" }
    RoleCol { nb: "Hva skjer der", nn: "Kva skjer der", en: "What happens there" }
    WordsCol { nb: "Avtalens ord", nn: "Orda i avtalen", en: "The agreement's words" }
    TheVendor { nb: "leverandøren", nn: "leverandøren", en: "the vendor" }
    RoleStorage { nb: "lagring", nn: "lagring", en: "storage" }
    RoleProcessing { nb: "behandling", nn: "behandling", en: "processing" }
    RoleAccess { nb: "tilgang", nn: "tilgang", en: "access" }
    RoleSupport { nb: "brukerstøtte", nn: "brukarstøtte", en: "support" }
    AdequacyEea { nb: "i EØS", nn: "i EØS", en: "in the EEA" }
    AdequacyFull { nb: "utenfor EØS, med EUs vedtak om tilstrekkelig beskyttelsesnivå", nn: "utanfor EØS, med EUs vedtak om tilstrekkeleg vernenivå", en: "outside the EEA, with an EU adequacy decision" }
    AdequacyPartial { nb: "utenfor EØS, vedtaket dekker bare noen mottakere", nn: "utanfor EØS, vedtaket dekkjer berre nokre mottakarar", en: "outside the EEA, the decision covers some recipients only" }
    AdequacyNone { nb: "utenfor EØS, uten vedtak om tilstrekkelig beskyttelsesnivå", nn: "utanfor EØS, utan vedtak om tilstrekkeleg vernenivå", en: "outside the EEA, no adequacy decision" }
    BasisEstablishment { nb: "bare selskapets registrerte adresse: avtalen sier ikke at data er der", nn: "berre den registrerte adressa til selskapet: avtalen seier ikkje at data er der", en: "only the company's registered address: the agreement does not say data is there" }
    SubProcessorsHeading { nb: "Underdatabehandlere", nn: "Underdatabehandlarar", en: "Sub-processors" }
    SubProcessorsNone { nb: "Avtalen oppgir ingen underdatabehandlere.", nn: "Avtalen oppgjev ingen underdatabehandlarar.", en: "The agreement names no sub-processors." }
    NameCol { nb: "Navn", nn: "Namn", en: "Name" }
    PurposeCol { nb: "Formål", nn: "Føremål", en: "Purpose" }
    TransferCol { nb: "Overføringsgrunnlag", nn: "Overføringsgrunnlag", en: "Transfer basis" }
    MechEea { nb: "innenfor EØS (ingen overføring)", nn: "innanfor EØS (inga overføring)", en: "inside the EEA (no transfer)" }
    MechAdequacy { nb: "EUs vedtak om tilstrekkelig beskyttelsesnivå", nn: "EUs vedtak om tilstrekkeleg vernenivå", en: "EU adequacy decision" }
    MechDpf { nb: "EU-US Data Privacy Framework", nn: "EU-US Data Privacy Framework", en: "EU-US Data Privacy Framework" }
    MechScc { nb: "EUs standardpersonvernbestemmelser (SCC)", nn: "EUs standardpersonvernføresegner (SCC)", en: "Standard contractual clauses (SCC)" }
    MechBcr { nb: "bindende virksomhetsregler (BCR)", nn: "bindande verksemdsreglar (BCR)", en: "Binding corporate rules (BCR)" }
    MechDerogation { nb: "unntak for særlige situasjoner (art. 49)", nn: "unntak for særlege situasjonar (art. 49)", en: "derogation for specific situations (art. 49)" }
    MechPrivacyShield { nb: "Privacy Shield (ugyldig siden 2020)", nn: "Privacy Shield (ugyldig sidan 2020)", en: "Privacy Shield (invalid since 2020)" }
    MechNoneStated { nb: "ikke oppgitt", nn: "ikkje oppgjeve", en: "not stated" }
    TermsHeading { nb: "Vilkårene i avtalen", nn: "Vilkåra i avtalen", en: "The agreement's terms" }
    TermCol { nb: "Vilkår", nn: "Vilkår", en: "Term" }
    ValueCol { nb: "Hva avtalen sier", nn: "Kva avtalen seier", en: "What the agreement says" }
    SourceCol { nb: "Kilde", nn: "Kjelde", en: "Source" }
    NotStated { nb: "ikke oppgitt i avtalen", nn: "ikkje oppgjeve i avtalen", en: "not stated in the agreement" }
    TermConflict { nb: "Avtalen sier dette ulikt i to klausuler:", nn: "Avtalen seier dette ulikt i to klausular:", en: "The agreement says this differently in two clauses:" }
    Days { nb: "{n} dager", nn: "{n} dagar", en: "{n} days" }
    Hours { nb: "{n} timer", nn: "{n} timar", en: "{n} hours" }
    Months { nb: "{n} måneder", nn: "{n} månader", en: "{n} months" }
    TermDeletion { nb: "Sletting etter at avtalen er slutt", nn: "Sletting etter at avtalen er slutt", en: "Deletion after the agreement ends" }
    TermBackupDeletion { nb: "Sletting fra sikkerhetskopier", nn: "Sletting frå tryggingskopiar", en: "Deletion from backups" }
    TermInactivityDeletion { nb: "Sletting etter inaktivitet", nn: "Sletting etter inaktivitet", en: "Deletion after inactivity" }
    TermBreachHours { nb: "Frist for å varsle avvik", nn: "Frist for å varsle avvik", en: "Deadline to report a breach" }
    TermBreachNotice { nb: "Slik varsles avvik", nn: "Slik blir avvik varsla", en: "How breaches are reported" }
    TermSubProcessorChange { nb: "Nye underdatabehandlere", nn: "Nye underdatabehandlarar", en: "New sub-processors" }
    TermSubProcessorNotice { nb: "Varsel før nye underdatabehandlere", nn: "Varsel før nye underdatabehandlarar", en: "Notice before new sub-processors" }
    TermObjection { nb: "Frist for å protestere", nn: "Frist for å protestere", en: "Time to object" }
    TermTermination { nb: "Oppsigelsestid", nn: "Oppseiingstid", en: "Termination notice" }
    TermLogRetention { nb: "Hvor lenge logger lagres", nn: "Kor lenge loggar blir lagra", en: "How long logs are kept" }
    TermSecurityAudit { nb: "Sikkerhetsrevisjon", nn: "Tryggingsrevisjon", en: "Security audit" }
    TermSecurityLevel { nb: "Sikkerhetsnivå", nn: "Tryggingsnivå", en: "Security level" }
    TermGoverningLaw { nb: "Lovvalg", nn: "Lovval", en: "Governing law" }
    TermVenue { nb: "Verneting", nn: "Verneting", en: "Venue" }
    TermReturnRequest { nb: "Frist for å be om dataene tilbake", nn: "Frist for å be om dataa attende", en: "Time to ask for the data back" }
    EveryMonths { nb: "hver {n}. måned", nn: "kvar {n}. månad", en: "every {n} months" }
    BreachDeadline { nb: "innen en fast frist", nn: "innan ein fast frist", en: "within a fixed deadline" }
    BreachWithoutUndueDelay { nb: "«uten ugrunnet opphold», ingen fast frist", nn: "«utan unødig opphald», ingen fast frist", en: "\"without undue delay\", no fixed deadline" }
    ChangePriorApproval { nb: "krever kommunens godkjenning på forhånd", nn: "krev godkjenning frå kommunen på førehand", en: "need the municipality's prior approval" }
    ChangeNotice { nb: "varsles, og kommunen kan protestere", nn: "blir varsla, og kommunen kan protestere", en: "are notified, and the municipality may object" }
    SourcesHeading { nb: "Kildedokumenter", nn: "Kjeldedokument", en: "Source documents" }
    SignedBy { nb: "signert av {controller}", nn: "signert av {controller}", en: "signed by {controller}" }
    FlagsHeading { nb: "Flagg", nn: "Flagg", en: "Flags" }
    NoFlags { nb: "Registeret fant ingenting å flagge.", nn: "Registeret fann ingenting å flagge.", en: "The registry found nothing to flag." }
    NotesHeading { nb: "Registerets merknader (våre ord, ikke avtalens)", nn: "Merknadene til registeret (våre ord, ikkje avtalen sine)", en: "The registry's notes (our words, not the agreement's)" }
    StatementsHeading { nb: "Mer avtalen sier, med egne ord", nn: "Meir avtalen seier, med eigne ord", en: "More the agreement says, in its own words" }
    AnnouncementsHeading { nb: "Varslede endringer", nn: "Varsla endringar", en: "Announced changes" }
    NoAnnouncements { nb: "Ingen varslede endringer venter.", nn: "Ingen varsla endringar ventar.", en: "No announced change is pending." }
    EffectiveDate { nb: "Trer i kraft", nn: "Tek til å gjelde", en: "Takes effect" }
    ObjectionDeadline { nb: "Siste dag å protestere", nn: "Siste dag å protestere", en: "Last day to object" }
    NoObjectionPeriod { nb: "ingen frist oppgitt", nn: "ingen frist oppgjeven", en: "no period stated" }
    ShortNotice { nb: "kort varsel", nn: "kort varsel", en: "short notice" }
    Details { nb: "Detaljer", nn: "Detaljar", en: "Details" }
    HistoryHeading { nb: "Historikk", nn: "Historikk", en: "History" }
    Revision { nb: "Versjon {n}", nn: "Versjon {n}", en: "Revision {n}" }
    Created { nb: "Registrert", nn: "Registrert", en: "Registered" }
    Updated { nb: "Sist endret", nn: "Sist endra", en: "Last changed" }
    HistoryLatest { nb: "De siste endringene, nyeste først", nn: "Dei siste endringane, nyaste først", en: "The latest changes, newest first" }
    HistoryShown { nb: "Viser de {shown} siste av {total} versjoner.", nn: "Viser dei {shown} siste av {total} versjonar.", en: "Showing the latest {shown} of {total} revisions." }
    HistoryUnavailable { nb: "Historikken kan ikke leses akkurat nå. Prøv igjen om litt.", nn: "Historikken kan ikkje lesast akkurat no. Prøv igjen om litt.", en: "The history cannot be read just now. Try again shortly." }
    RevisionCol { nb: "Versjon", nn: "Versjon", en: "Revision" }
    DateCol { nb: "Dato", nn: "Dato", en: "Date" }
    ByCol { nb: "Endret av", nn: "Endra av", en: "Changed by" }
    ChangeCol { nb: "Endring", nn: "Endring", en: "Change" }
    ActorVendor { nb: "Leverandøren", nn: "Leverandøren", en: "The vendor" }
    ActorAdmin { nb: "En administrator", nn: "Ein administrator", en: "An administrator" }
    ActorImport { nb: "Registeret, fra avtalen", nn: "Registeret, frå avtalen", en: "The registry, from the agreement" }
    ActorFeide { nb: "Registeret, fra Feides tjenesteliste", nn: "Registeret, frå tenestelista til Feide", en: "The registry, from Feide's list of services" }
    ActorAnnouncement { nb: "Registeret, etter en varslet endring", nn: "Registeret, etter ei varsla endring", en: "The registry, after an announced change" }
    ActionRegistered { nb: "Registrert", nn: "Registrert", en: "Registered" }
    ActionReplaced { nb: "Oppføringen ble erstattet", nn: "Oppføringa vart erstatta", en: "The entry was replaced" }
    ActionChanged { nb: "Endret", nn: "Endra", en: "Changed" }
    ActionRetired { nb: "Avviklet", nn: "Avvikla", en: "Retired" }
    ActionApplied { nb: "Varslet endring av underdatabehandlere tatt i bruk", nn: "Varsla endring av underdatabehandlarar teken i bruk", en: "Announced sub-processor change applied" }
    NothingChanged { nb: "ingen felt endret", nn: "ingen felt endra", en: "no field changed" }
    TermChange { nb: "{term}: {from} → {to}", nn: "{term}: {from} → {to}", en: "{term}: {from} → {to}" }
    FieldName { nb: "Navn", nn: "Namn", en: "Name" }
    FieldDescription { nb: "Beskrivelse", nn: "Skildring", en: "Description" }
    FieldPersonalData { nb: "Personopplysninger", nn: "Personopplysningar", en: "Personal data" }
    FieldOidcScopes { nb: "OIDC-scopes", nn: "OIDC-scope", en: "OIDC scopes" }
    FieldFeideIds { nb: "Koblinger til Feide", nn: "Koplingar til Feide", en: "Links to Feide" }
    HistoryLink { nb: "Alle endringer (JSON)", nn: "Alle endringar (JSON)", en: "Every change (JSON)" }
    FeedLink { nb: "Følg endringer (Atom)", nn: "Følg endringar (Atom)", en: "Follow changes (Atom)" }
    CompareThis { nb: "Sammenlign med andre tjenester", nn: "Samanlikn med andre tenester", en: "Compare with other services" }

    // Vendor, sub-processor, attribute and country pages.
    VendorTitle { nb: "Leverandør: {name}", nn: "Leverandør: {name}", en: "Vendor: {name}" }
    OrgNumber { nb: "Organisasjonsnummer", nn: "Organisasjonsnummer", en: "Organisation number" }
    Address { nb: "Adresse", nn: "Adresse", en: "Address" }
    ServicesHeading { nb: "Tjenester", nn: "Tenester", en: "Services" }
    SubProcessorTitle { nb: "Underdatabehandler: {name}", nn: "Underdatabehandlar: {name}", en: "Sub-processor: {name}" }
    LegalName { nb: "Juridisk navn", nn: "Juridisk namn", en: "Legal name" }
    CountriesHeading { nb: "Land der den håndterer data", nn: "Land der han handterer data", en: "Countries where it handles data" }
    UsedByHeading { nb: "Tjenester som bruker den", nn: "Tenester som brukar han", en: "Services using it" }
    ServiceCol { nb: "Tjeneste", nn: "Teneste", en: "Service" }
    AllServicesLink { nb: "Alle {count} tjenester i søket", nn: "Alle {count} tenester i søket", en: "All {count} services in the search" }
    AttributeTitle { nb: "Feide-attributt: {name}", nn: "Feide-attributt: {name}", en: "Feide attribute: {name}" }
    OidcScopes { nb: "OIDC-scopes som gir det", nn: "OIDC-scope som gjev det", en: "OIDC scopes releasing it" }
    Category { nb: "Kategori", nn: "Kategori", en: "Category" }
    ReceivedByHeading { nb: "Tjenester som mottar det", nn: "Tenester som får det", en: "Services receiving it" }
    Declared { nb: "oppgitt ved navn", nn: "oppgjeve med namn", en: "declared by name" }
    CountryTitle { nb: "Land: {name}", nn: "Land: {name}", en: "Country: {name}" }
    AdequacyDecision { nb: "Vedtak", nn: "Vedtak", en: "Decision" }
    AdequacyNote { nb: "Hvem vedtaket dekker", nn: "Kven vedtaket dekkjer", en: "Whom the decision covers" }
    ServicesThere { nb: "Tjenester med data der", nn: "Tenester med data der", en: "Services with data there" }

    // Compare.
    CompareTitle { nb: "Sammenlign tjenester", nn: "Samanlikn tenester", en: "Compare services" }
    CompareIntro { nb: "Velg 2 til 20 tjenester. Rader der tjenestene er ulike er merket «ulik».", nn: "Vel 2 til 20 tenester. Rader der tenestene er ulike er merkte «ulik».", en: "Choose 2 to 20 services. Rows where the services differ are marked \"differs\"." }
    FindButton { nb: "Finn", nn: "Finn", en: "Find" }
    NoneFound { nb: "Ingen andre tjenester passer søket.", nn: "Ingen andre tenester passar søket.", en: "No other service matches the search." }
    MoreFound { nb: "Her vises de {n} første som passer. Søk mer presist for å finne andre.", nn: "Her blir dei {n} første som passar viste. Søk meir presist for å finne andre.", en: "The first {n} that match are shown. Search more precisely to find others." }
    ChooseServices { nb: "Velg tjenester", nn: "Vel tenester", en: "Choose services" }
    CompareButton { nb: "Sammenlign", nn: "Samanlikn", en: "Compare" }
    ComparisonCaption { nb: "Tjenestene side om side", nn: "Tenestene side om side", en: "The services side by side" }
    FactCol { nb: "Faktum", nn: "Faktum", en: "Fact" }
    DiffersMark { nb: "ulik", nn: "ulik", en: "differs" }
    Yes { nb: "ja", nn: "ja", en: "yes" }
    No { nb: "nei", nn: "nei", en: "no" }
    Receives { nb: "mottar", nn: "får", en: "receives" }
    NotReceived { nb: "mottar ikke", nn: "får ikkje", en: "does not receive" }
    NotThere { nb: "ingen data der", nn: "ingen data der", en: "no data there" }
    NotUsed { nb: "brukes ikke", nn: "blir ikkje brukt", en: "not used" }

    // Report.
    ReportTitle { nb: "Rapport om tjenestene", nn: "Rapport om tenestene", en: "Report on the services" }
    ReportMunicipalityTitle { nb: "Rapport: {name}", nn: "Rapport: {name}", en: "Report: {name}" }
    ReportIntro { nb: "Alt tjenestene samlet sender ut av landet, hvem som får sensitive data, flaggene og de svakeste vilkårene. Skriv ut siden for å arkivere den.", nn: "Alt tenestene samla sender ut av landet, kven som får sensitive data, flagga og dei svakaste vilkåra. Skriv ut sida for å arkivere henne.", en: "Everything the services together send abroad, who receives sensitive data, the flags and the weakest terms. Print the page to file it." }
    ReportChoose { nb: "Velg tjenestene rapporten skal gjelde", nn: "Vel tenestene rapporten skal gjelde", en: "Choose the services the report covers" }
    ReportButton { nb: "Lag rapport", nn: "Lag rapport", en: "Make the report" }
    ReportServices { nb: "Tjenestene i rapporten", nn: "Tenestene i rapporten", en: "The services in the report" }
    DownloadCsv { nb: "Last ned som regneark (CSV)", nn: "Last ned som rekneark (CSV)", en: "Download as a spreadsheet (CSV)" }
    DownloadRecord { nb: "Last ned utkast til protokoll over behandlingsaktiviteter (CSV)", nn: "Last ned utkast til protokoll over behandlingsaktivitetar (CSV)", en: "Download the draft record of processing activities (CSV)" }
    DownloadRecordJson { nb: "Utkast til protokoll over behandlingsaktiviteter (JSON)", nn: "Utkast til protokoll over behandlingsaktivitetar (JSON)", en: "Draft record of processing activities (JSON)" }
    FlagsCol { nb: "Flagg", nn: "Flagg", en: "Flags" }
    ThirdCountriesCol { nb: "Land utenfor EØS", nn: "Land utanfor EØS", en: "Countries outside the EEA" }
    TransfersHeading { nb: "Overføringer ut av EØS", nn: "Overføringar ut av EØS", en: "Transfers out of the EEA" }
    NoTransfers { nb: "Ingen data går ut av EØS etter det avtalene oppgir.", nn: "Ingen data går ut av EØS etter det avtalane oppgjev.", en: "No data leaves the EEA as far as the agreements state." }
    SensitiveHeading { nb: "Sensitive attributter og hvem som mottar dem", nn: "Sensitive attributtar og kven som får dei", en: "Sensitive attributes and who receives them" }
    NoSensitive { nb: "Ingen av tjenestene mottar attributter med høy sensitivitet.", nn: "Ingen av tenestene får attributtar med høg sensitivitet.", en: "None of the services receives a high-sensitivity attribute." }
    WeakestHeading { nb: "De svakeste vilkårene", nn: "Dei svakaste vilkåra", en: "The weakest terms" }
    LongestDeletion { nb: "Lengste tid data beholdes etter avtalens slutt", nn: "Lengste tid data blir haldne etter avtaleslutt", en: "Longest time data is kept after the agreement ends" }
    DeletionNotStated { nb: "Ingen slettefrist oppgitt", nn: "Ingen slettefrist oppgjeven", en: "No deletion deadline stated" }
    ShortestChangeNotice { nb: "Korteste varsel om nye underdatabehandlere", nn: "Kortaste varsel om nye underdatabehandlarar", en: "Shortest notice of new sub-processors" }
    UnknownIds { nb: "Ukjente tjeneste-id-er", nn: "Ukjende teneste-id-ar", en: "Unknown service ids" }
    NotRegistered { nb: "Bare kjent fra Feide, ingen avtale registrert", nn: "Berre kjend frå Feide, ingen avtale registrert", en: "Known only from Feide, no agreement registered" }
    LocationUnknown { nb: "Oppgir ikke hvor dataene er", nn: "Oppgjev ikkje kvar dataa er", en: "Does not state where the data is" }
    None { nb: "ingen", nn: "ingen", en: "none" }

    // A municipality's public portfolio, and the list to embed.
    PortfolioTitle { nb: "{name}: tjenester i skolen", nn: "{name}: tenester i skulen", en: "{name}: services in school" }
    PortfolioIntro { nb: "Tjenestene kommunen har vurdert, med kommunens status for hver. Følg lenkene for hva hver tjeneste får vite.", nn: "Tenestene kommunen har vurdert, med statusen til kommunen for kvar. Følg lenkjene for kva kvar teneste får vite.", en: "The services the municipality has weighed, each with its local status. Follow the links for what each service learns." }
    LocalStatusCol { nb: "Kommunens status", nn: "Statusen til kommunen", en: "Local status" }
    LocalInUse { nb: "i bruk", nn: "i bruk", en: "in use" }
    LocalUnderAssessment { nb: "under vurdering", nn: "under vurdering", en: "under assessment" }
    LocalApproved { nb: "godkjent", nn: "godkjend", en: "approved" }
    LocalRejected { nb: "avvist", nn: "avvist", en: "rejected" }
    LocalPhasedOut { nb: "faset ut", nn: "fasa ut", en: "phased out" }
    PortfolioEmpty { nb: "Porteføljen er tom.", nn: "Porteføljen er tom.", en: "The portfolio is empty." }
    PortfolioReport { nb: "Rapport over porteføljen", nn: "Rapport over porteføljen", en: "Report on the portfolio" }
    EmbedTitle { nb: "Godkjente tjenester i {name}", nn: "Godkjende tenester i {name}", en: "Approved services in {name}" }
    EmbedIntro { nb: "Tjenestene skolen bruker. Trykk på en tjeneste for å se hva den får vite om barnet ditt.", nn: "Tenestene skulen brukar. Trykk på ei teneste for å sjå kva ho får vite om barnet ditt.", en: "The services the school uses. Select a service to see what it learns about your child." }
    EmbedEmpty { nb: "Ingen godkjente tjenester er registrert ennå.", nn: "Ingen godkjende tenester er registrerte enno.", en: "No approved service is registered yet." }

    // About.
    AboutTitle { nb: "Om flaggene og dataene", nn: "Om flagga og dataa", en: "About the flags and the data" }
    AboutIntro { nb: "Registeret leser databehandleravtalene mellom kommuner og leverandører av skoletjenester, og viser hva hver tjeneste får vite, hvor dataene går og hva avtalen lover. Flaggene er regler registeret kjører på disse opplysningene; hver regel står her med én setning.", nn: "Registeret les databehandlaravtalane mellom kommunar og leverandørar av skuletenester, og viser kva kvar teneste får vite, kvar dataa går og kva avtalen lovar. Flagga er reglar registeret køyrer på desse opplysningane; kvar regel står her med éi setning.", en: "The registry reads the data processing agreements between municipalities and vendors of school services, and shows what each service learns, where the data goes and what the agreement promises. The flags are rules the registry runs on those facts; each rule is given here in one sentence." }
    FlagCol { nb: "Flagg", nn: "Flagg", en: "Flag" }
    RuleCol { nb: "Regel", nn: "Regel", en: "Rule" }
    ModelHeading { nb: "Datamodellen", nn: "Datamodellen", en: "The data model" }
    ModelService { nb: "En tjeneste har én leverandør (databehandleren), mottar Feide-attributter med leverandørens begrunnelse, og har steder (land og hva som skjer der) og underdatabehandlere med egne steder og overføringsgrunnlag.", nn: "Ei teneste har éin leverandør (databehandlaren), får Feide-attributtar med grunngjevinga til leverandøren, og har stader (land og kva som skjer der) og underdatabehandlarar med eigne stader og overføringsgrunnlag.", en: "A service has one vendor (the data processor), receives Feide attributes with the vendor's justification, and has locations (a country and what happens there) and sub-processors with their own locations and transfer bases." }
    ModelTerms { nb: "Vilkårene (slettefrister, varsling av avvik, varsel om nye underdatabehandlere og mer) står med avtalens egne ord og kildedokumentet. Der avtalen tier, står det «ikke oppgitt»: registeret fyller aldri inn.", nn: "Vilkåra (slettefristar, varsling av avvik, varsel om nye underdatabehandlarar og meir) står med orda i avtalen og kjeldedokumentet. Der avtalen teier, står det «ikkje oppgjeve»: registeret fyller aldri inn.", en: "The terms (deletion deadlines, breach notice, notice of new sub-processors and more) are given with the agreement's own words and the source document. Where the agreement is silent it says \"not stated\": the registry never fills in." }
    ModelCountries { nb: "Hvert land har sin status: i EØS, utenfor EØS med EUs vedtak om tilstrekkelig beskyttelsesnivå, med et vedtak som dekker bare noen mottakere, eller uten vedtak.", nn: "Kvart land har sin status: i EØS, utanfor EØS med EUs vedtak om tilstrekkeleg vernenivå, med eit vedtak som dekkjer berre nokre mottakarar, eller utan vedtak.", en: "Each country has its status: in the EEA, outside it with an EU adequacy decision, with a decision covering some recipients only, or with none." }
    ModelMunicipalities { nb: "En kommune kan publisere porteføljen sin: tjenestene den bruker, vurderer, har godkjent eller avvist. Da kan den vise listen på egne nettsider.", nn: "Ein kommune kan publisere porteføljen sin: tenestene han brukar, vurderer, har godkjent eller avvist. Då kan han vise lista på eigne nettsider.", en: "A municipality may publish its portfolio: the services it uses, weighs, has approved or rejected. It can then show the list on its own website." }
    ModelApi { nb: "Alt på disse sidene finnes også i API-et; hver side lenker til sin JSON.", nn: "Alt på desse sidene finst òg i API-et; kvar side lenkjer til sin JSON.", en: "Everything on these pages is in the API too; every page links its JSON." }

    // Errors.
    NotFoundTitle { nb: "Siden finnes ikke", nn: "Sida finst ikkje", en: "Page not found" }
    NotFoundText { nb: "Det finnes ingenting her. Kanskje lenken er gammel, eller adressen skrevet feil.", nn: "Det finst ingenting her. Kanskje lenkja er gammal, eller adressa skriven feil.", en: "There is nothing here. The link may be old, or the address mistyped." }
    BadRequestTitle { nb: "Noe i adressen kan ikke brukes", nn: "Noko i adressa kan ikkje brukast", en: "Something in the address cannot be used" }
    BackHome { nb: "Til forsiden", nn: "Til framsida", en: "To the home page" }
}

impl T {
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
    pub fn fill(self, lang: Lang, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut out = self.get(lang).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
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

    /// A label missing in one language would show another language's words (or nothing) there.
    #[test]
    fn every_page_text_is_in_every_language_with_the_same_placeholders() {
        for &t in T::ALL {
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

    /// nb and nn are different written standards: a label may read the same in both, but a whole
    /// sentence copied from nb into nn is a missing translation.
    #[test]
    fn no_sentence_is_copied_from_bokmal_into_nynorsk() {
        for &t in T::ALL {
            let [nb, nn, _] = t.entry();
            let sentence = nb.ends_with('.') && nb.split_whitespace().count() >= 6;
            assert!(!sentence || nb != nn, "{t:?}: the nn text is the nb text");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            T::ServicesCount.fill(Lang::Nn, &[("count", &3)]),
            "3 tenester"
        );
    }
}
