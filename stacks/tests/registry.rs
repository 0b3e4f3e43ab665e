//! The registry's facts are the emitter's, on every real stack: each resource type a stack
//! emits is declared by a kind (`KindInfo::tf_types`) or by the emitter for the stack itself
//! (`emit::STACK_TF_TYPES`), or is the type of one of the stack's raw resources (whose types
//! are the user's, checked against the provider schema: `KindInfo::tf_types` is empty for
//! the raw kinds).

use infra_core::serde_json::Value;
use infra_core::Stack;

fn assert_declared(name: &str, stack: &Stack, doc: &Value) {
    let declared: Vec<&str> = Stack::kinds()
        .iter()
        .flat_map(|k| k.info().tf_types.iter().copied())
        .chain(infra_core::emit::STACK_TF_TYPES.iter().copied())
        .chain(stack.raw_resources.iter().map(|r| r.tf_type.as_str()))
        .collect();
    let emitted = doc["resource"].as_object().expect("resources");
    for ty in emitted.keys() {
        assert!(
            declared.contains(&ty.as_str()),
            "{name} emits {ty}, which no kind declares in its KindInfo::tf_types"
        );
    }
}

#[test]
fn every_emitted_type_is_declared_by_a_kind() {
    for bin in stacks::STACKS {
        let stack = (bin.stack)();
        let doc: Value =
            infra_core::serde_json::from_str(&(bin.json)().expect("a clean stack")).expect("JSON");
        assert_declared(bin.name, &stack, &doc);
    }
}
