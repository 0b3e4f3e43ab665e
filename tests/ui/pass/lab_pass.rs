//! The full lab stack, exactly as `hello_stack` builds it: the one file it is written in,
//! included, must compile and pass every check.
include!("../../../stacks/src/hello_stack.rs");

fn main() {
    let stack = HelloStack::new();
    assert_eq!(stack.site.port, 80);
    assert_eq!(stack.site.health_path, webapp_spec::HEALTH_PATH);
    assert_eq!(stack.app.health.path, "/health");
    assert_eq!(stack.front.dns_name().expression(), "${aws_lb.front.dns_name}");
    assert!(stack.check().is_empty(), "{:?}", stack.check());
    let tf = stack.to_terraform().expect("the lab stack passes every check");
    assert!(tf["resource"]["aws_lb"]["front"].is_object(), "{tf}");
    assert!(tf["resource"]["aws_autoscaling_group"]["web_asg"].is_object());
    assert!(tf["output"]["alb_dns"].is_object());
    let json = stack.to_json_string().unwrap();
    assert_eq!(json, HelloStack::default().to_json_string().unwrap(), "deterministic");
}
