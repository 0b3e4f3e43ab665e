//! aws-api-constraint on a value read from a variable: the variable's default is checked
//! (at the `var(...)`), as a literal would be; its plan-time value by the validation block
//! the variable carries.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        variable tg_protocol: string = "HTTPX";
        variable health_interval: number = 1;
        resource aws_lb_target_group tg {
            port: 8080,
            protocol: var(tg_protocol),
            health_check: { interval: var(health_interval), path: "/health" },
        }
    }
}

fn main() {}
