//! One module per resource kind: its struct, its defaults, the value checks that concern it
//! alone, and its Terraform body. The registry (the `registry` module) lists them once.

pub mod alb;
pub mod alias_record;
pub mod autoscaling_group;
pub mod bucket;
pub mod certificate;
pub mod image;
pub mod instance_role;
pub mod key_pair;
pub mod launch_template;
pub mod output;
pub mod payload;
pub mod raw;
pub mod security_group;
pub mod target_group;
pub mod values;
pub mod variable;
pub mod vpc;
