//! The production web stack, exactly as `web_stack` builds it: the one file it is written
//! in, included, must compile and pass every check.
include!("../../../stacks/src/web_stack.rs");

fn main() {
    let stack = WebStack::new();
    assert_eq!(stack.site.arch, infra_core::Arch::Arm64);
    assert!(stack.check().is_empty(), "{:?}", stack.check());
    let tf = stack.to_terraform().expect("the web stack passes every check");
    assert!(tf["resource"]["aws_acm_certificate"]["site_cert"].is_object(), "{tf}");
    assert_eq!(tf["resource"]["aws_lb_listener"]["front_443"]["protocol"], "HTTPS");
    assert!(tf["output"]["url"].is_object());
}
