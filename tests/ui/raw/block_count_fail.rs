//! block-count: two `health_check` blocks where the type takes at most one. Expected: the error at `health_check`.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        resource aws_lb_target_group tg {
            port: 80, protocol: "HTTP",
            health_check: [{ path: "/health" }, { path: "/ready" }],
        }
    }
}

fn main() {}
