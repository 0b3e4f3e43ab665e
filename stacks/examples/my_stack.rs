//! A stack of your own, the way the README's "Writing your own stack" shows it: the webapp
//! behind a load balancer, and an SQS queue it may send to.
//!
//! ```sh
//! cargo run -p stacks --example my_stack > main.tf.json
//! ```

use infra_macros::infra;

infra! {
    /// My service: the webapp behind a load balancer, and a queue it may send to.
    pub stack MyStack {
        region: "eu-west-1",
        tags: { Project: "my-service" },

        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        /// The app: its port, health path and routes come from the webapp's spec crate.
        payload site = webapp_spec { port: 8000 }

        security_group alb_sg in main {
            ingress tcp 80 from internet,
            egress tcp site.port to web_sg,
        }
        security_group web_sg in main {
            ingress tcp site.port from alb_sg,
            egress tcp 443 to internet,
        }

        /// Any resource of the AWS provider, by its Terraform type, checked against its schema.
        resource aws_sqs_queue jobs { name_prefix: "my-jobs-", sqs_managed_sse_enabled: true }
        instance_role web_role {
            read: site,
            allow: [{ actions: ["sqs:SendMessage"], on: jobs }],
        }

        launch_template web {
            image: amazon_linux_2023,
            instance_type: t3.micro,
            security_groups: [web_sg],
            role: web_role,
            run: site,
        }
        target_group app in main { port: site.port, health: site.health }
        alb front in main.public_subnets { security_groups: [alb_sg], listener 80 => app }
        autoscaling_group web_asg {
            launch_template: web,
            subnets: main.public_subnets,
            min: 2, desired: 2, max: 4,
            target_groups: [app],
            scale: cpu_average(60),
        }

        output url = front.url;
        output queue_url = jobs.url;
    }
}

fn main() -> std::process::ExitCode {
    match MyStack::new().to_json_string() {
        Ok(json) => {
            print!("{json}");
            std::process::ExitCode::SUCCESS
        }
        Err(violations) => {
            eprintln!("my_stack: refusing to print a stack that fails its checks\n{violations}");
            std::process::ExitCode::FAILURE
        }
    }
}
