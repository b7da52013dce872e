use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser;
use feide_registry::app;
use feide_registry::config::{Cli, ClientCommand, Command, FeideCommand, MunicipalityCommand};
use feide_registry::domain::auth::ClientRole;
use feide_registry::store::fmt_time;

fn main() -> ExitCode {
    feide_registry::allocator::tune();
    let cli = Cli::parse();
    let settings = cli.settings;
    env_logger::Builder::new()
        .parse_filters(&settings.log)
        .init();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            print!("{}", feide_registry::http::openapi::document());
            Ok(())
        }
        Command::Serve => serve(&settings),
        Command::Import { file } => app::open_store(&settings)
            .map_err(|e| e.to_string())
            .and_then(|store| app::import_file(&store, &file).map_err(|e| e.to_string()))
            .map(|s| {
                eprintln!(
                    "imported {}: vendors {} new, {} updated; {} sub-processors; services {} new, {} updated",
                    file.display(),
                    s.vendors_created,
                    s.vendors_updated,
                    s.sub_processors,
                    s.services_created,
                    s.services_updated
                )
            }),
        Command::Export => app::open_store(&settings)
            .and_then(|store| app::export(&store))
            .map_err(|e| e.to_string())
            .and_then(|c| {
                let mut out = serde_json::to_string_pretty(&c).map_err(|e| e.to_string())?;
                out.push('\n');
                std::io::stdout().write_all(out.as_bytes()).map_err(|e| e.to_string())
            }),
        Command::Client(c) => client(&settings, c),
        Command::Municipality(c) => municipality(&settings, c),
        Command::Feide(FeideCommand::Sync) => feide_sync(&settings),
        Command::Generate {
            services,
            seed,
            distinct_justifications,
        } => {
            use feide_registry::domain::generate::{catalogue_with, Justifications};
            let justifications = if distinct_justifications {
                Justifications::Distinct
            } else {
                Justifications::Templated
            };
            let c = catalogue_with(services, seed, justifications);
            serde_json::to_writer(std::io::stdout().lock(), &c).map_err(|e| e.to_string())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("feide-registry: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: &feide_registry::config::Settings) -> Result<(), String> {
    let store = app::open_store(settings).map_err(|e| e.to_string())?;
    let options = app::ServerOptions::from_settings(settings, store.engine())?;
    if let Some(s) = app::seed_if_empty(&store, &settings.seed_file).map_err(|e| e.to_string())? {
        log::info!(
            "empty database: imported {} ({} services)",
            settings.seed_file,
            s.services_created
        );
    }
    let listener = TcpListener::bind(&settings.bind_addr)
        .map_err(|e| format!("cannot listen on {}: {e}", settings.bind_addr))?;
    log::info!(
        "feide-registry ({}) listening on http://{}",
        store.engine().name(),
        settings.bind_addr
    );
    let server = app::server(listener, store, options).map_err(|e| e.to_string())?;
    actix_web::rt::System::new()
        .block_on(server)
        .map_err(|e| e.to_string())
}

fn client(
    settings: &feide_registry::config::Settings,
    command: ClientCommand,
) -> Result<(), String> {
    let store = app::open_store(settings).map_err(|e| e.to_string())?;
    match command {
        ClientCommand::Create {
            role,
            vendor,
            municipality,
            description,
        } => {
            let role =
                ClientRole::parse(&role).ok_or("role must be vendor, admin or municipality")?;
            if vendor.is_some() && municipality.is_some() {
                return Err("a client acts for a vendor or a municipality, not both".into());
            }
            let acts_for = vendor.or(municipality);
            let c = app::create_client(&store, role, acts_for.as_deref(), description.as_deref())?;
            println!("client_id: {}", c.client_id);
            println!("client_secret: {}", c.secret);
            eprintln!(
                "Keep the secret now: it is stored only as a hash and cannot be shown again."
            );
            Ok(())
        }
        ClientCommand::List => {
            let mut conn = store.conn().map_err(|e| e.to_string())?;
            let rows = feide_registry::store::clients::list_clients(&mut conn)
                .map_err(|e| e.to_string())?;
            println!("client_id\trole\tvendor\tcreated_at\trevoked_at\tdescription");
            for r in rows {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    r.client_id,
                    r.role,
                    r.vendor_id.unwrap_or_default(),
                    fmt_time(r.created_at.0),
                    r.revoked_at.map(|t| fmt_time(t.0)).unwrap_or_default(),
                    r.description.unwrap_or_default()
                );
            }
            Ok(())
        }
        ClientCommand::Revoke { client_id } => {
            let mut conn = store.conn().map_err(|e| e.to_string())?;
            let now = chrono::Utc::now();
            if feide_registry::store::clients::revoke_client(&mut conn, &client_id, now)
                .map_err(|e| e.to_string())?
            {
                println!("revoked {client_id}");
                Ok(())
            } else {
                Err(format!("no active client `{client_id}`"))
            }
        }
    }
}

/// Municipalities from the command line: the same document, rules and write as the API's, with
/// the revision and audit rows naming the command line as the actor.
fn municipality(
    settings: &feide_registry::config::Settings,
    command: MunicipalityCommand,
) -> Result<(), String> {
    let store = app::open_store(settings).map_err(|e| e.to_string())?;
    match command {
        MunicipalityCommand::Create {
            id,
            name,
            org_number,
            number,
            kind,
            public,
        } => {
            let created = app::create_municipality(
                &store,
                &serde_json::json!({
                    "id": id, "name": name, "org_number": org_number,
                    "municipality_number": number, "kind": kind,
                    "portfolio": if public { "public" } else { "private" },
                }),
            )?;
            println!("created municipality {created}");
            Ok(())
        }
        MunicipalityCommand::List => {
            let mut conn = store.conn().map_err(|e| e.to_string())?;
            let rows = feide_registry::store::municipalities::list_municipalities(&mut conn)
                .map_err(|e| e.to_string())?;
            println!("id\tname\torg_number\tmunicipality_number\tkind\tportfolio");
            for r in rows {
                let m = r.entry;
                println!(
                    "{}\t{}\t{}\t{}\t{:?}\t{:?}",
                    m.id,
                    m.name,
                    m.org_number,
                    m.municipality_number.unwrap_or_default(),
                    m.kind,
                    m.portfolio
                );
            }
            Ok(())
        }
    }
}

fn feide_sync(settings: &feide_registry::config::Settings) -> Result<(), String> {
    let options = settings
        .feide()
        .ok_or("FEIDE_API_URL is empty: the Feide link is turned off")?;
    let store = app::open_store(settings).map_err(|e| e.to_string())?;
    let report = actix_web::rt::System::new()
        .block_on(feide_registry::feide::sync::run(&store, &options))
        .map_err(|e| e.to_string())?;
    if report.ran {
        println!(
            "checked {}: {} fetched, {} unchanged, {} failed",
            report.checked, report.fetched, report.unchanged, report.failed
        );
        Ok(())
    } else {
        Err("another process is syncing with the Feide API; try again later".into())
    }
}
