//! The week × 24 h timeline of resource plans: a row per weekday, a bar per plan on each of its
//! days. Drag a bar to move its window, its edges to change start or end, or an empty stretch of a
//! day to draw a new plan; a drag stops at the neighbouring plans of a shared day and never makes a
//! window shorter than 30 minutes (`scaling_edit::drag`). Plans that overlap (typed so) are drawn
//! as clashes. Bars are buttons: ←/→ move a window by 15 minutes, Shift+←/→ change its end,
//! Alt+←/→ its start.

use lakedeck_api::scaling_edit::{clock_text, drag, new_window, snap, spans, Edge, PlanDraft, PolicyDraft, Window};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::editor::day_short;
use crate::{t, tr};

const DAY_MINUTES: f64 = 1440.0;
/// Drags move in steps of five minutes.
const STEP: u32 = 5;

#[derive(Clone, Copy, Debug, PartialEq)]
struct DragState {
    plan: usize,
    edge: Edge,
    pointer: i32,
    x0: f64,
    left: f64,
    width: f64,
    start: u32,
    end: u32,
}

/// The windows with `plan` put back where the drag started (limits are read from there).
fn windows_from(d: &PolicyDraft, plan: usize, start: u32, end: u32) -> Vec<Window> {
    let mut w = d.windows();
    if let Some(x) = w.iter_mut().find(|x| x.plan == plan) {
        x.start = start;
        x.end = end;
    }
    w
}

fn set_times(d: &mut PolicyDraft, plan: usize, (s, e): (u32, u32)) {
    if let Some(p) = d.plans.get_mut(plan) {
        p.start = clock_text(s);
        p.end = clock_text(e);
    }
}

#[component]
pub fn PlanTimeline(draft: RwSignal<PolicyDraft>) -> impl IntoView {
    let spans = Memo::new(move |_| draft.with(|d| spans(&d.windows())));
    let dragging = StoredValue::new(None::<DragState>);
    let active = RwSignal::new(None::<usize>);

    let track_of = |el: &web_sys::Element| -> Option<web_sys::Element> { el.closest(".tl-track").ok().flatten() };
    let begin = move |ev: &web_sys::PointerEvent, plan: usize, edge: Edge, start: u32, end: u32, track: &web_sys::Element| {
        let r = track.get_bounding_client_rect();
        dragging.set_value(Some(DragState { plan, edge, pointer: ev.pointer_id(), x0: f64::from(ev.client_x()), left: r.left(), width: r.width().max(1.0), start, end }));
        active.set(Some(plan));
        if let Some(root) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = root.set_pointer_capture(ev.pointer_id());
        }
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Some(track) = track_of(&target) else { return };
        let bar = target.closest(".tl-bar").ok().flatten();
        if let Some(bar) = bar {
            let plan: usize = bar.get_attribute("data-plan").and_then(|p| p.parse().ok()).unwrap_or(usize::MAX);
            let edge = match target.get_attribute("data-edge").as_deref() {
                Some("start") => Edge::Start,
                Some("end") => Edge::End,
                _ => Edge::Both,
            };
            let Some(w) = draft.with_untracked(|d| d.windows().into_iter().find(|w| w.plan == plan)) else { return };
            ev.prevent_default();
            begin(&ev, plan, edge, w.start, w.end, &track);
            return;
        }
        // An empty stretch of a day: a new plan there (if one more is allowed).
        let day: usize = track.get_attribute("data-day").and_then(|d| d.parse().ok()).unwrap_or(0);
        let r = track.get_bounding_client_rect();
        let minute = snap((f64::from(ev.client_x()) - r.left()) / r.width().max(1.0) * DAY_MINUTES, STEP).clamp(0, 1439) as u32;
        if draft.with_untracked(|d| d.plans.len()) >= lakedeck_api::mrs_scaling::MAX_PLANS {
            return;
        }
        let Some((s, e)) = draft.with_untracked(|d| new_window(&d.windows(), day, minute)) else { return };
        ev.prevent_default();
        let plan = draft.with_untracked(|d| d.plans.len());
        draft.update(|d| {
            let (min, max) = (d.min.clone(), d.max.clone());
            d.plans.push(PlanDraft { start: clock_text(s), end: clock_text(e), min, max, days: 1 << day });
        });
        begin(&ev, plan, Edge::End, s, e, &track);
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let Some(st) = dragging.get_value() else { return };
        if ev.pointer_id() != st.pointer {
            return;
        }
        let x = f64::from(ev.client_x());
        let to = match st.edge {
            Edge::Both => snap((x - st.x0) / st.width * DAY_MINUTES, STEP),
            _ => snap((x - st.left) / st.width * DAY_MINUTES, STEP),
        };
        let next = draft.with_untracked(|d| drag(&windows_from(d, st.plan, st.start, st.end), st.plan, st.edge, to));
        if let Some(times) = next {
            let current = draft.with_untracked(|d| d.windows().into_iter().find(|w| w.plan == st.plan).map(|w| (w.start, w.end)));
            if current != Some(times) {
                draft.update(|d| set_times(d, st.plan, times));
            }
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        if dragging.get_value().is_some_and(|st| st.pointer == ev.pointer_id()) {
            dragging.set_value(None);
            active.set(None);
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent, plan: usize| {
        let step: i64 = match ev.key().as_str() {
            "ArrowLeft" => -15,
            "ArrowRight" => 15,
            _ => return,
        };
        ev.prevent_default();
        let edge = if ev.shift_key() { Edge::End } else if ev.alt_key() { Edge::Start } else { Edge::Both };
        draft.update(|d| {
            let Some(w) = d.windows().into_iter().find(|w| w.plan == plan) else { return };
            let to = match edge {
                Edge::Both => step,
                Edge::Start => i64::from(w.start) + step,
                Edge::End => i64::from(w.end) + step,
            };
            if let Some(times) = drag(&d.windows(), plan, edge, to) {
                set_times(d, plan, times);
            }
        });
    };

    let hours = (0..=8).map(|i| i * 3).collect::<Vec<u32>>();
    view! {
        <div class="plan-timeline" id="plan-timeline" role="group" aria-label=tr!(scaling.timeline)
            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_up>
            <div class="tl-scale" aria-hidden="true">
                <span class="tl-day"></span>
                <div class="tl-hours">
                    {hours.into_iter().map(|h| view! { <span class="tl-hour" style:left=format!("{:.4}%", f64::from(h) / 24.0 * 100.0)>{format!("{h}:00")}</span> }).collect_view()}
                </div>
            </div>
            {(0..7usize).map(|day| view! {
                <div class="tl-row">
                    <span class="tl-day">{move || day_short(day)}</span>
                    <div class="tl-track" data-day=day title=tr!(scaling.timeline_draw)>
                        {move || spans.get().into_iter().filter(|s| s.day == day).map(|s| {
                            let plan = s.plan;
                            let (left, width) = (f64::from(s.start) / DAY_MINUTES * 100.0, f64::from(s.end - s.start) / DAY_MINUTES * 100.0);
                            let label = move || {
                                draft.with(|d| d.plans.get(plan).map(|p| t!(scaling.timeline_bar, n = plan + 1, start = p.start.clone(), end = p.end.clone(),
                                    min = p.min.clone(), max = p.max.clone(), day = day_short(day)))).unwrap_or_default()
                            };
                            let short = move || draft.with(|d| d.plans.get(plan).map(|p| format!("#{} {}–{}", plan + 1, p.min, p.max))).unwrap_or_default();
                            view! {
                                <button type="button" class="tl-bar" class:clash=s.clash class:active=move || active.get() == Some(plan)
                                    data-plan=plan data-day=day style:left=format!("{left:.4}%") style:width=format!("{width:.4}%")
                                    aria-label=label title=label
                                    on:keydown=move |ev| on_key(ev, plan)>
                                    <span class="tl-handle" data-edge="start" aria-hidden="true"></span>
                                    <span class="tl-label">{short}</span>
                                    <span class="tl-handle tl-handle-end" data-edge="end" aria-hidden="true"></span>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                </div>
            }).collect_view()}
            <p class="hint">{tr!(scaling.timeline_hint)}</p>
        </div>
    }
}
