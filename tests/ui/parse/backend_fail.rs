use infra_macros::infra;

infra! {
    stack Gcs {
        backend: gcs { bucket: "tfstate", key: "lab.tfstate" },
        vpc main = default;
    }
}

infra! {
    stack NoKey {
        backend: s3 { bucket: "tfstate" },
        vpc main = default;
    }
}

infra! {
    stack Typo {
        backend: s3 { bucket: "tfstate", key: "lab.tfstate", regoin: "eu-west-3" },
        vpc main = default;
    }
}

infra! {
    stack NotLiteral {
        backend: s3 { bucket: { "tfstate" }, key: "lab.tfstate" },
        vpc main = default;
    }
}

fn main() {}
