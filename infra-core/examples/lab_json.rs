//! Print the plain-API lab stack as Terraform JSON (the reference for the macro's output).
fn main() {
    let s = infra_core::lab::lab_stack(infra_core::lab::PayloadSpec::default(), 80);
    match infra_core::to_json_string(&s) {
        Ok(j) => print!("{j}"),
        Err(v) => {
            eprintln!("{v}");
            std::process::exit(1);
        }
    }
}
