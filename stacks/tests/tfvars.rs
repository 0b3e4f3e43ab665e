//! Each stack ships a `terraform.tfvars.json` example (`stacks/tfvars/<stack>.tfvars.json`):
//! its keys are the stack's variables, and Terraform accepts it as is, without a warning.

use std::path::PathBuf;

use infra_tests::{scratch_dir, Terraform};

#[test]
fn every_stack_has_a_tfvars_example_that_fits_it() {
    for bin in stacks::STACKS {
        let example = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tfvars")
            .join(format!("{}.tfvars.json", bin.name));
        let text = std::fs::read_to_string(&example)
            .unwrap_or_else(|e| panic!("{}: {e}: every stack has an example", example.display()));
        let vars: serde_json::Value = serde_json::from_str(&text).unwrap();
        let json = (bin.json)().expect("the stack passes its checks");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let declared = v["variable"].as_object().unwrap();
        for k in vars.as_object().unwrap().keys() {
            assert!(
                declared.contains_key(k),
                "{k} is not a variable of {}",
                bin.name
            );
        }
        let dir = scratch_dir(&format!("tfvars-example-{}", bin.name));
        let only_vars = serde_json::json!({ "variable": v["variable"] });
        std::fs::write(dir.join("vars.tf.json"), only_vars.to_string()).unwrap();
        // Copied as is, as a user would.
        std::fs::write(dir.join("terraform.tfvars.json"), &text).unwrap();
        let Some(tf) = Terraform::new(&dir) else {
            return;
        };
        tf.ok(&["init", "-backend=false", "-no-color"]);
        // Any existing file stands in for the payload artifacts.
        let stand_in = dir.join("vars.tf.json");
        let mut args = vec!["plan", "-no-color", "-input=false"];
        let artifacts: Vec<String> = declared
            .keys()
            .filter(|k| k.ends_with("_artifact"))
            .map(|k| format!("{k}={}", stand_in.display()))
            .collect();
        for a in &artifacts {
            args.extend(["-var", a.as_str()]);
        }
        let out = tf.run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {err}", bin.name);
        assert!(!err.contains("Warning"), "{}: {err}", bin.name);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
