fn main() {
    // embed_migrations! reads these folders at compile time; rebuild when they change.
    println!("cargo:rerun-if-changed=migrations");
}
