use infra_macros::infra;

infra! {
    pub struct Lab {
        vpc main = default;
    }
}

infra! {}

infra! {
    stack Lab2 {
        vpc main = default;
    }
    stack Lab3 {}
}

infra! {
    stack Lab4 {
        variable admin: ipv4;
        region "us-east-1",
        vpc main = defualt;
    }
}

fn main() {}
