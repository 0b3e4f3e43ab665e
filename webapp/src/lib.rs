//! webapp
