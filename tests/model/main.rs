//! Library-level tests: the guide and catalogs, the progress store, CSV intake, the live-check
//! clients against a local fake server, and the screens rendered to a test backend. One test
//! crate (one link) instead of one per file.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../support/csv.rs"]
mod csv_support;

mod catalog;
mod csv_catalog;
mod csv_dialects;
mod csv_encodings;
mod csv_exports;
mod csv_mapping;
mod csv_props;
mod csv_threads;
mod csv_validate;
mod fields_preview;
mod judge;
mod notice_banner;
mod plain_screens;
mod screens;
mod store;
mod verify_catalog;
mod verify_credentials;
mod verify_marketo;
mod verify_salesforce;
