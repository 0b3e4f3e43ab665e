//! infra-expand
