//! The binary trunk builds, and the console's JavaScript API (README "Embedding"). Instantiating the
//! module runs `main`, which mounts nothing: index.html's boot script calls `start()`, host pages call
//! `mount()` through `lakedeck.js`.

use wasm_bindgen::prelude::*;

/// A console mounted into a host page by `mount()`.
#[wasm_bindgen]
pub struct ConsoleHandle(Option<lakedeck::Console>);

#[wasm_bindgen]
impl ConsoleHandle {
    /// Removes the console with everything it added to the page (nodes, style sheets, listeners,
    /// timers). The handle is unusable afterwards.
    pub fn unmount(mut self) {
        if let Some(console) = self.0.take() {
            console.unmount();
        }
    }

    /// Hands over a new token (kept in memory only), e.g. after the host refreshed it.
    #[wasm_bindgen(js_name = setToken)]
    pub fn set_token(&self, token: &str) {
        if let Some(c) = &self.0 {
            c.set_token(token);
        }
    }

    /// `light`, `dark` or `system`.
    #[wasm_bindgen(js_name = setTheme)]
    pub fn set_theme(&self, theme: &str) {
        if let Some(c) = &self.0 {
            c.set_theme(theme);
        }
    }

    /// Goes to a console path such as `/jobs` (relative to the console's base path).
    pub fn navigate(&self, path: &str) {
        if let Some(c) = &self.0 {
            c.navigate(path);
        }
    }
}

/// Mounts a console into `element`. `options` (all optional): `config` (an object as in config.json,
/// or the URL of one; default `"config.json"`), `basePath` (the path prefix whose URLs the console
/// owns), `token`, `theme` (`light`, `dark`, `system`), `locale` (`en`, `zh-CN`), `styles` (style
/// sheet URLs to add while mounted; `lakedeck.js` passes the bundle's own).
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, options: JsValue) -> Result<ConsoleHandle, JsValue> {
    lakedeck::mount_console(element, options).map(|c| ConsoleHandle(Some(c)))
}

/// Starts the stand-alone console in the page's `<body>` (index.html; `?embed=1` inside a portal's
/// iframe).
#[wasm_bindgen]
pub fn start() -> Result<(), JsValue> {
    lakedeck::start_page()
}

fn main() {}
