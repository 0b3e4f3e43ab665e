use infra_macros::infra;

infra! {
    stack Lab {
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        security_group web_sg in main {
            #[waive(ssh_open_to_world)]
            ingress tcp 22 from internet,
            #[allow(dead_code)]
            egress tcp 443 to internet,
        }
        #[waive(duplicate_name, "no")]
        vpc other = default;
    }
}

fn main() {}
