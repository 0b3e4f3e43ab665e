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

fn c(tf_type: &str, path: &str) -> &'static Constraint {
    constraint(tf_type, path).unwrap_or_else(|| panic!("no constraint on {tf_type}.{path}"))
}

#[test]
fn enum_constraint() {
    let p = c("aws_lb_target_group", "protocol");
    assert!(p.enum_values.iter().any(|e| e == "HTTPS"));
    assert_eq!(p.check(Literal::Str("HTTPS")), Ok(()));
    assert!(p
        .check(Literal::Str("https"))
        .unwrap_err()
        .ends_with("did you mean `HTTPS`?"));
    let err = p.check(Literal::Str("HTTPSS")).unwrap_err();
    assert!(err.starts_with("must be one of HTTP, HTTPS, TCP"), "{err}");
    assert!(
        err.contains("(AWS API: elbv2 CreateTargetGroupInput.Protocol, botocore "),
        "{err}"
    );
    assert!(err.ends_with("did you mean `HTTPS`?"), "{err}");
    assert!(p
        .source
        .starts_with("elbv2 CreateTargetGroupInput.Protocol (botocore "));
    // a long enum is shortened
    let unit = c("aws_cloudwatch_metric_alarm", "unit");
    let err = unit.check(Literal::Str("Furlongs")).unwrap_err();
    assert!(err.contains(" values)"), "{err}");
}

#[test]
fn range_constraint() {
    let interval = c("aws_lb_target_group", "health_check.interval");
    assert_eq!((interval.min, interval.max), (Some(5.0), Some(300.0)));
    assert_eq!(interval.check(Literal::Number(30.0)), Ok(()));
    assert_eq!(interval.check(Literal::Number(5.0)), Ok(()));
    let err = interval.check(Literal::Number(600.0)).unwrap_err();
    assert!(err.starts_with("must be between 5 and 300 (AWS API: elbv2 CreateTargetGroupInput.HealthCheckIntervalSeconds"), "{err}");
    assert!(interval.check(Literal::Number(4.0)).is_err());
    // a number written as a string is checked as a number; a word is left to the type check
    assert!(interval.check(Literal::Str("301")).is_err());
    assert_eq!(interval.check(Literal::Str("${var.x}")), Ok(()));
    let mem = c("aws_lambda_function", "memory_size");
    assert!(mem.check(Literal::Number(64.0)).is_err());
    assert_eq!(mem.check(Literal::Number(128.0)), Ok(()));
    let timeout = c("aws_lambda_function", "timeout");
    assert_eq!((timeout.min, timeout.max), (Some(1.0), None));
    assert!(timeout
        .check(Literal::Number(0.0))
        .unwrap_err()
        .starts_with("must be at least 1 ("));
}

#[test]
fn length_constraint() {
    let name = c("aws_iam_role", "name");
    assert_eq!((name.min_len, name.max_len), (Some(1), Some(64)));
    let long = "r".repeat(65);
    let err = name.check(Literal::Str(&long)).unwrap_err();
    assert!(
        err.starts_with("must be 1 to 64 characters long, not 65"),
        "{err}"
    );
    assert_eq!(name.check(Literal::Str(&long[..64])), Ok(()));
    let desc = c("aws_lambda_function", "description");
    assert_eq!((desc.min_len, desc.max_len), (None, Some(256)));
    let err = desc.check(Literal::Str(&"d".repeat(300))).unwrap_err();
    assert!(
        err.starts_with("must be at most 256 characters, not 300"),
        "{err}"
    );
}

#[test]
fn pattern_constraint() {
    let name = c("aws_iam_role", "name");
    assert_eq!(name.pattern.as_deref(), Some(r"^[\w+=,.@-]+$"));
    assert_eq!(name.check(Literal::Str("web-instance_role.v2@x")), Ok(()));
    let err = name.check(Literal::Str("web role")).unwrap_err();
    assert!(
        err.starts_with(r"must match `^[\w+=,.@-]+$` (AWS API: iam CreateRoleRequest.RoleName"),
        "{err}"
    );
    // an alternation is anchored as a whole
    let path = c("aws_iam_role", "path");
    assert_eq!(path.check(Literal::Str("/")), Ok(()));
    assert_eq!(path.check(Literal::Str("/app/")), Ok(()));
    assert!(path.check(Literal::Str("/app")).is_err());
    assert!(path.check(Literal::Str("app/")).is_err());
    let code = c(
        "aws_lb_listener",
        "default_action.fixed_response.status_code",
    );
    assert_eq!(code.check(Literal::Str("503")), Ok(()));
    assert!(code.check(Literal::Str("3031")).is_err());
}

#[test]
fn every_constraint_decodes_and_every_pattern_compiles() {
    let types: Vec<_> = constrained_types().collect();
    assert!(types.len() >= 30, "{types:?}");
    assert!(types.windows(2).all(|w| w[0] < w[1]));
    let mut patterns = 0;
    for ty in &types {
        assert!(
            lookup(Mode::Resource, ty).is_some(),
            "{ty}: not a resource type"
        );
        let all = constraints_of(ty);
        assert!(!all.is_empty(), "{ty}");
        for (path, c) in all {
            assert!(resolves(ty, path), "{ty}.{path}: no such attribute");
            assert!(
                !c.enum_values.is_empty()
                    || c.min.is_some()
                    || c.max.is_some()
                    || c.min_len.is_some()
                    || c.max_len.is_some()
                    || c.pattern.is_some(),
                "{ty}.{path}: empty"
            );
            if let Some(p) = &c.pattern {
                patterns += 1;
                assert!(p.starts_with('^') && p.ends_with('$'), "{ty}.{path}: {p}");
                if let Err(e) = regex_lite::Regex::new(p) {
                    panic!("{ty}.{path}: `{p}` does not compile: {e}");
                }
            }
        }
    }
    assert!(patterns > 10, "{patterns} patterns");
    assert!(constraint("aws_sqs_queue_no_such", "name").is_none());
    assert!(constraint("aws_lb_target_group", "no_such").is_none());
}

/// The path names an attribute (through nested blocks and object-typed attributes).
fn resolves(ty: &str, path: &str) -> bool {
    let mut block = lookup(Mode::Resource, ty).unwrap();
    let parts: Vec<_> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if let Some(bt) = block.block(part) {
            block = &bt.block;
            continue;
        }
        let Some(a) = block.attribute(part) else {
            return false;
        };
        let mut ty = &a.ty;
        for field in &parts[i + 1..] {
            if let Type::List(t) | Type::Set(t) = ty {
                ty = t;
            }
            let Type::Object(fields) = ty else {
                return false;
            };
            let Some((_, t)) = fields.iter().find(|(n, _)| n == field) else {
                return false;
            };
            ty = t;
        }
        return true;
    }
    false
}
