use infra_macros::infra;

infra! {
    /// Shared state in S3, locked with Terraform's native lock file.
    pub stack Team {
        backend: s3 { bucket: "team-tfstate", key: "lab/terraform.tfstate", region: "eu-west-3" },
        vpc main = default;
    }
}

fn main() {
    let v = Team::new().to_terraform().unwrap();
    assert_eq!(v["terraform"]["backend"]["s3"]["use_lockfile"], true);
    assert_eq!(v["terraform"]["backend"]["s3"]["region"], "eu-west-3");
}
