//! Each test runs once on SQLite and once on PostgreSQL, as `module::test::sqlite` and
//! `module::test::postgres` (CI counts both and requires the same number).

/// Runs async test bodies that take a [`TestApp`](super::TestApp) over the seed catalogue.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::spawn($crate::helpers::Engine::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::spawn($crate::helpers::Engine::Postgres).await).await
                }
            }
        )*
    };
}

/// Runs async test bodies that take the [`Engine`](super::Engine) and start what they need.
macro_rules! per_engine {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Engine::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::Engine::Postgres).await
                }
            }
        )*
    };
}
