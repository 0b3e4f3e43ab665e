//! infra-core
