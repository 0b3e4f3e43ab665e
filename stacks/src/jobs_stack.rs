// The jobs stack, written once: `stacks/src/lib.rs` includes this file as a module (the
// `JobsStack` behind `jobs_stack`). The lab's web tier, typed, beside raw provider
// resources: an SQS queue the instances may send to (the grant goes through the instance
// role, scoped to the queue's ARN), its dead-letter queue, a backlog alarm on it, and the
// account the stack landed in.
//
// Keep it one `use` and one `infra!` invocation, with `//` comments only.

use infra_macros::infra;

infra! {
    /// A web tier that queues work: the lab's ALB and instances, plus an SQS queue.
    pub stack JobsStack {
        region: "us-east-1",
        tags: { Project: "jobs-stack" },

        /// How many 5-minute periods the backlog must last before the alarm fires.
        variable backlog_periods: number = 2;

        vpc main { cidr: "10.0.0.0/16", public_subnets: ["10.0.1.0/24", "10.0.2.0/24"] }
        payload site = webapp_spec { port: 8000 }

        security_group alb_sg in main {
            ingress tcp 80 from internet,
            egress tcp site.port to web_sg,
        }
        security_group web_sg in main {
            ingress tcp site.port from alb_sg,
            egress tcp 443 to internet,
        }

        /// Work the web tier hands off: received at most once a minute per message,
        /// kept four days, encrypted with the SQS-managed key.
        resource aws_sqs_queue jobs {
            name_prefix: "jobs-",
            visibility_timeout_seconds: 60,
            message_retention_seconds: 345600,
            receive_wait_time_seconds: 20,
            sqs_managed_sse_enabled: true,
            tags: { Queue: "jobs" },
        }
        /// Where a message goes after five failed receives, kept the maximum 14 days.
        resource aws_sqs_queue jobs_dlq {
            name_prefix: "jobs-dlq-",
            message_retention_seconds: 1209600,
            sqs_managed_sse_enabled: true,
        }
        resource aws_sqs_queue_redrive_policy jobs_redrive {
            queue_url: jobs.url,
            redrive_policy: json({ deadLetterTargetArn: jobs_dlq.arn, maxReceiveCount: 5 }),
        }
        /// Pages when work piles up: over 100 visible messages for 10 minutes.
        resource aws_cloudwatch_metric_alarm jobs_backlog {
            alarm_name: "jobs-backlog",
            namespace: "AWS/SQS",
            metric_name: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: jobs.name },
            statistic: "Maximum",
            period: 300,
            evaluation_periods: var(backlog_periods),
            comparison_operator: "GreaterThanThreshold",
            threshold: 100,
        }
        data aws_caller_identity me {}

        /// The instances read their payload and may send to the queue, nothing more.
        instance_role web_role {
            read: site,
            allow: [{ actions: ["sqs:SendMessage", "sqs:GetQueueAttributes"], on: jobs }],
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
            scale: cpu_average(50),
        }

        /// The load balancer's DNS name.
        output alb_dns = front.dns_name;
        /// The Auto Scaling group.
        output asg_name = web_asg.name;
        /// The target group.
        output target_group_name = app.name;
        /// Where the instances send work.
        output queue_url = jobs.url;
        /// The queue's ARN (for consumers' policies).
        output queue_arn = jobs.arn;
        /// The dead-letter queue's ARN.
        output dead_letter_queue_arn = jobs_dlq.arn;
        /// The account the stack was deployed into.
        output account_id = me.account_id;
    }
}
