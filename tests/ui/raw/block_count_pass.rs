//! block-count: the same stack, fixed.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_lb_target_group tg {
            port: 80, protocol: "HTTP",
            health_check: [{ path: "/health" }],
        }
    }
}

fn main() {
    RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
}
