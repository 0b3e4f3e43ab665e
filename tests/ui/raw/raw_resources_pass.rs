//! Raw provider resources and data sources beside the typed kinds: references both ways,
//! nested blocks, maps, lists, a variable and a run-time value, checked against the
//! provider schema; the JSON is Terraform's.
use infra_macros::infra;

fn retention() -> u32 {
    4 * 86_400
}

infra! {
    pub stack RawStack {
        variable team: string = "web";
        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        security_group web_sg in main { egress tcp 443 to internet }

        /// The jobs queue.
        resource aws_sqs_queue jobs {
            visibility_timeout_seconds: 60,
            message_retention_seconds: { retention() },
            tags: { Team: var(team), "cost:center": "lab" },
        }
        resource aws_sqs_queue dead { sqs_managed_sse_enabled: true }
        resource aws_lb_target_group raw_tg {
            port: 8080, protocol: "HTTP", vpc_id: main.id,
            health_check: { path: "/health", interval: 15, matcher: "200-299" },
            stickiness: { type: "lb_cookie", enabled: false },
        }
        resource aws_vpc_security_group_ingress_rule https {
            security_group_id: web_sg.id, cidr_ipv4: "10.0.0.0/16",
            from_port: 443, to_port: 443, ip_protocol: "tcp",
        }
        resource aws_sqs_queue_redrive_policy jobs_redrive {
            queue_url: jobs.url,
            redrive_policy: "{\"maxReceiveCount\": 4}",
        }
        data aws_caller_identity me {}
        data aws_iam_policy_document send {
            statement: [{ actions: ["sqs:SendMessage"], resources: [jobs.arn] }],
        }

        output queue_url = jobs.url;
        output account = me.account_id;
    }
}

fn main() {
    let s = RawStack::new();
    assert_eq!(s.jobs.tf_type, "aws_sqs_queue");
    let tf = s.to_terraform().unwrap_or_else(|v| panic!("{v}"));
    let jobs = &tf["resource"]["aws_sqs_queue"]["jobs"];
    assert_eq!(jobs["visibility_timeout_seconds"], 60);
    assert_eq!(jobs["message_retention_seconds"], 345_600);
    assert_eq!(jobs["tags"]["Team"], "${var.team}");
    let tg = &tf["resource"]["aws_lb_target_group"]["raw_tg"];
    assert_eq!(tg["vpc_id"], "${aws_vpc.main.id}");
    assert_eq!(tg["health_check"]["interval"], 15);
    assert_eq!(
        tf["resource"]["aws_vpc_security_group_ingress_rule"]["https"]["security_group_id"],
        "${aws_security_group.web_sg.id}"
    );
    assert_eq!(
        tf["data"]["aws_iam_policy_document"]["send"]["statement"][0]["resources"][0],
        "${aws_sqs_queue.jobs.arn}"
    );
    assert!(tf["data"]["aws_caller_identity"]["me"].is_object());
    assert_eq!(tf["output"]["queue_url"]["value"], "${aws_sqs_queue.jobs.url}");
    assert_eq!(
        tf["output"]["account"]["value"],
        "${data.aws_caller_identity.me.account_id}"
    );
}
