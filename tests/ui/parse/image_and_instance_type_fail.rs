use infra_macros::infra;

infra! {
    stack Lab {
        launch_template a { image: amazon_linux_2022, instance_type: t2.micro, security_groups: [] }
        launch_template b { image: amazon_linux_2023, instance_type: t2.huge, security_groups: [] }
        launch_template c { image: amazon_linux_2023, instance_type: "m5", security_groups: [] }
        launch_template d { image: "al2023", instance_type: T2.micro, security_groups: [] }
    }
}

fn main() {}
