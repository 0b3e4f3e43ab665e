//! infra-macros
