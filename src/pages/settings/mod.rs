mod page;
pub use page::Settings;
