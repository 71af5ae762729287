//! `When`: leptos's `<Show>` without the generics. `<Show>` is generic over its condition and its
//! children, so every use compiles its own copy of the show/hide machinery; here the condition is a
//! `Signal<bool>` and the children are type-erased, so one copy serves every use (measured on the
//! release bundle). Children are built when the condition turns true and dropped when it turns
//! false; while it stays the same nothing is rebuilt.

use leptos::prelude::*;

#[component]
pub fn When(
    /// Shows the children while true (a closure, signal or memo).
    #[prop(into)]
    when: Signal<bool>,
    children: ChildrenFn,
    /// Shown while false (nothing by default).
    #[prop(optional, into)]
    fallback: ViewFn,
) -> impl IntoView {
    let shown = Memo::new(move |_| when.get());
    move || {
        if shown.get() {
            children()
        } else {
            fallback.run()
        }
    }
}
