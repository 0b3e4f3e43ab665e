//! aws-api-constraint on a value read from a variable: defaults AWS accepts, and the
//! validation blocks that check the values given at plan time.
use infra_macros::infra;

infra! {
    pub stack RawStack {
        variable tg_protocol: string = "HTTP";
        variable health_interval: number = 15;
        resource aws_lb_target_group tg {
            port: 8080,
            protocol: var(tg_protocol),
            health_check: { interval: var(health_interval), path: "/health" },
        }
    }
}

fn main() {
    let tf = RawStack::new().to_terraform().unwrap_or_else(|v| panic!("{v}"));
    let protocol = &tf["variable"]["tg_protocol"]["validation"][0];
    assert!(
        protocol["condition"]
            .as_str()
            .unwrap()
            .contains(r#"contains(["HTTP", "HTTPS", "TCP""#),
        "{protocol}"
    );
    assert!(protocol["error_message"]
        .as_str()
        .unwrap()
        .starts_with("aws-api-constraint: `protocol` of aws_lb_target_group must be one of HTTP"));
    let interval = &tf["variable"]["health_interval"]["validation"][0]["condition"];
    assert_eq!(
        interval,
        "${var.health_interval == null ? true : (var.health_interval >= 5 && var.health_interval <= 300)}"
    );
}
