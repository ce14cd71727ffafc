//! The `leadflow` command: serve, migrate, create-admin, schema.

use clap::{Parser, Subcommand};
use leadflow::config::Config;
use leadflow::domain::{demo, users};
use leadflow::startup;

#[derive(Parser)]
#[command(
    name = "leadflow",
    version,
    about = "Leadflow: lead management for sales and marketing teams"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrates the database and serves the app and the API.
    Serve {
        /// Loads demo teams and reps into an empty database, with the well-known
        /// password `leadflow-demo` (never use on a real installation).
        #[arg(long)]
        demo: bool,
    },
    /// Applies pending database migrations and exits.
    Migrate,
    /// Creates an administrator and prints the generated password once.
    CreateAdmin {
        #[arg(long)]
        email: String,
    },
    /// Prints the GraphQL schema (SDL).
    Schema,
    /// Writes a consistent copy of the SQLite database while Leadflow keeps running
    /// (for PostgreSQL it explains pg_dump).
    Backup {
        /// The new backup file; never overwritten.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Replaces the SQLite database with a checked backup, then migrates it. Stop
    /// Leadflow first.
    Restore {
        /// The backup file written by `leadflow backup`.
        #[arg(long)]
        from: std::path::PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
}

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(start()),
        Err(e) => {
            eprintln!("leadflow: starting the runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// glibc gives threads that allocate at the same time arenas of their own, up to eight
/// per core, and keeps what each has freed. The server's threads (the runtime's, and one
/// per SQLite connection) took the peak RSS of a benchmark run to 205 MiB; with two
/// arenas it was 139 MiB, for about 10 % of import and re-score throughput (BENCHMARKS.md).
/// glibc reads the limit from `MALLOC_ARENA_MAX` when the process starts, so when it is
/// not set the command starts itself again with it set — the same process, arguments
/// and files. An operator's own `MALLOC_ARENA_MAX` is left alone.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        use std::os::unix::process::CommandExt;
        if let Ok(me) = std::env::current_exe() {
            let error = std::process::Command::new(me)
                .args(std::env::args_os().skip(1))
                .env("MALLOC_ARENA_MAX", "2")
                .exec();
            // Only reached when the restart failed: carry on with glibc's default.
            eprintln!("leadflow: could not limit malloc arenas ({error}); continuing");
        }
    }
}

async fn start() -> std::process::ExitCode {
    leadflow::install_crypto_provider();
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Schema) {
        leadflow::telemetry::init_logging();
    }
    match run(cli.command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("leadflow: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Schema => {
            print!("{}", leadflow::graphql::sdl());
            Ok(())
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            let db = startup::connect(&config.database_url).await?;
            startup::migrate(&db).await?;
            println!(
                "database is up to date ({})",
                startup::redact(&config.database_url)
            );
            Ok(())
        }
        Command::CreateAdmin { email } => {
            let config = Config::from_env()?;
            let db = startup::connect(&config.database_url).await?;
            startup::migrate(&db).await?;
            let admin = users::create_admin(&db, &email, None).await?;
            println!(
                "Created admin {}\nPassword (shown once): {}",
                admin.email, admin.password
            );
            Ok(())
        }
        Command::Backup { out } => {
            let config = Config::from_env()?;
            let s = leadflow::backup::backup(&config.database_url, &out).await?;
            println!(
                "Backed up {} leads and {} users to {} ({} bytes); integrity checked.",
                s.leads,
                s.users,
                s.path.display(),
                s.bytes
            );
            Ok(())
        }
        Command::Restore { from, force } => {
            let config = Config::from_env()?;
            let s = leadflow::backup::restore(&config.database_url, &from, force).await?;
            println!(
                "Restored {} leads and {} users into {}; integrity checked and migrated.",
                s.leads,
                s.users,
                s.path.display()
            );
            Ok(())
        }
        Command::Serve { demo: with_demo } => serve(with_demo).await,
    }
}

async fn serve(with_demo: bool) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let app = startup::Application::build(config).await?;
    let db = app.state().db.clone();
    if users::count(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        == 0
    {
        if with_demo {
            demo::load(&db).await?;
            println!(
                "\nDemo data loaded. Sign in as {} with password {}\n(every demo user, e.g. wang.wei@leadflow.local, has the same password)\n",
                demo::DEMO_ADMIN_EMAIL,
                demo::DEMO_PASSWORD
            );
        } else {
            let admin = users::create_admin(&db, demo::DEMO_ADMIN_EMAIL, None).await?;
            println!(
                "\nCreated the first administrator.\n  email:    {}\n  password: {}\nThe password is shown this once; keep it safe.\n",
                admin.email, admin.password
            );
        }
    } else if with_demo {
        println!(
            "The database already has users; --demo loads demo data only into an empty database."
        );
    }
    let addr = app.addr()?;
    tracing::info!(%addr, "Leadflow is listening");
    println!("Leadflow is running at http://{addr}  (GraphQL: /graphql, explorer: /graphiql)");
    app.serve(startup::shutdown_signal()).await
}
