use super::*;

fn attr(mode: Mode, ty: &str, name: &str) -> &'static Attribute {
    lookup(mode, ty)
        .unwrap_or_else(|| panic!("{ty} missing"))
        .attribute(name)
        .unwrap_or_else(|| panic!("{ty}.{name} missing"))
}

#[test]
fn counts_come_from_the_index() {
    assert_eq!(type_names(Mode::Resource).count(), 1526);
    assert_eq!(type_names(Mode::Data).count(), 608);
    let names: Vec<_> = type_names(Mode::Resource).collect();
    assert!(
        names.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates"
    );
    assert!(names.contains(&"aws_sqs_queue"));
    assert!(type_names(Mode::Data).any(|n| n == "aws_caller_identity"));
}

#[test]
fn sqs_queue() {
    let q = lookup(Mode::Resource, "aws_sqs_queue").unwrap();
    let vis = q.attribute("visibility_timeout_seconds").unwrap();
    assert_eq!(vis.ty, Type::Number);
    assert!(vis.optional && !vis.required);
    let arn = q.attribute("arn").unwrap();
    assert!(arn.computed && !arn.optional && !arn.required);
    let url = q.attribute("url").unwrap();
    assert!(url.computed && !url.optional);
    assert_eq!(q.attribute("tags").unwrap().ty.describe(), "map of string");
    assert!(q.attribute("no_such").is_none());
    // cached: the same allocation the second time
    assert!(std::ptr::eq(
        q,
        lookup(Mode::Resource, "aws_sqs_queue").unwrap()
    ));
}

#[test]
fn target_group_health_check_block() {
    let tg = lookup(Mode::Resource, "aws_lb_target_group").unwrap();
    let hc = tg.block("health_check").unwrap();
    assert_eq!(hc.nesting, Nesting::List);
    assert_eq!((hc.min_items, hc.max_items), (0, 1));
    let interval = hc.block.attribute("interval").unwrap();
    assert_eq!(interval.ty, Type::Number);
    assert!(interval.optional);
    let names: Vec<_> = tg.names().collect();
    let port = names.iter().position(|n| *n == "port").unwrap();
    let health = names.iter().position(|n| *n == "health_check").unwrap();
    assert!(port < health, "attributes before blocks: {names:?}");
}

#[test]
fn instance_required_and_optional() {
    let i = lookup(Mode::Resource, "aws_instance").unwrap();
    assert!(
        i.attributes.iter().all(|a| !a.required),
        "aws_instance requires nothing"
    );
    let t = i.attribute("instance_type").unwrap();
    assert!(t.optional && t.computed);
    let ami = i.attribute("ami").unwrap();
    assert!(ami.optional);
    let ebs = i.block("ebs_block_device").unwrap();
    assert_eq!(ebs.nesting, Nesting::Set);
    assert!(ebs.block.attribute("device_name").unwrap().required);
    assert!(attr(Mode::Resource, "aws_db_instance", "password").sensitive);
    assert!(attr(Mode::Resource, "aws_iam_role", "assume_role_policy").required);
}

#[test]
fn caller_identity_data_source() {
    let me = lookup(Mode::Data, "aws_caller_identity").unwrap();
    let account = me.attribute("account_id").unwrap();
    assert!(account.computed && !account.optional && !account.required);
    assert!(lookup(Mode::Resource, "aws_caller_identity").is_none());
    assert!(lookup(Mode::Data, "aws_no_such_thing").is_none());
}

#[test]
fn nested_types() {
    // a computed list of objects in a data source
    let ty = &attr(Mode::Data, "aws_availability_zones", "names").ty;
    assert_eq!(ty.describe(), "list of string");
    let subnets = &attr(Mode::Data, "aws_route_table", "routes").ty;
    let Type::List(inner) = subnets else {
        panic!("{subnets:?}")
    };
    let Type::Object(fields) = &**inner else {
        panic!("{inner:?}")
    };
    assert!(fields
        .iter()
        .any(|(n, t)| n == "cidr_block" && *t == Type::String));
    assert_eq!(subnets.describe(), "list of object");
}

#[test]
fn shared_blocks_expand_in_place() {
    // wafv2 rule statements are stored once and referenced: the decoded tree is whole.
    let acl = lookup(Mode::Resource, "aws_wafv2_web_acl").unwrap();
    let rule = acl.block("rule").unwrap();
    let stmt = rule.block.block("statement").unwrap();
    let and = stmt.block.block("and_statement").unwrap();
    let inner = and.block.block("statement").unwrap();
    assert!(inner.block.block("byte_match_statement").is_some());
}

#[test]
fn every_section_decodes() {
    for mode in [Mode::Resource, Mode::Data] {
        for name in type_names(mode) {
            let b = lookup(mode, name).unwrap();
            assert!(
                !b.attributes.is_empty() || !b.blocks.is_empty(),
                "{name} is empty"
            );
        }
    }
}

#[test]
fn header_names_the_provider() {
    let first_lines: Vec<_> = digest::DIGEST.lines().take(3).collect();
    assert_eq!(
        first_lines[1],
        format!("provider {PROVIDER} {PROVIDER_VERSION}")
    );
}
