//! `/emr/flows/:project/instances/:instance`: one flow job instance — status, attempts, the
//! parameters it ran with (variables filled in, passwords masked), its cluster, times — and its
//! launcher log followed while it runs; Kill asks first and shows the service's answer.

use std::time::Duration;

use lakedeck_api::emr_flow::{is_final_status, NodeInstance};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{flow_job_href, instances_href, FollowedLog, FlowStatusChip, LogSource, LOG_CHUNK};
use crate::api::emr::{describe_instance, kill_instance, launcher_log};
use crate::api::ApiError;
use crate::components::{CopyButton, Dialog, ErrorPanel, ProgressBar, Spinner, Timestamp, When};
use crate::i18n::format;
use crate::state::session::SessionExt;
use crate::state::{run_effect, use_polling, use_session, RefreshBus};
use crate::{t, tr};

#[component]
pub fn FlowInstance() -> impl IntoView {
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let params = use_params_map();
    let project = Memo::new(move |_| params.with(|p| p.get("project").unwrap_or_default()));
    let id = Memo::new(move |_| params.with(|p| p.get("instance").unwrap_or_default()));
    let live = RwSignal::new(true);
    let tick = use_polling(Duration::from_secs(2), move || live.get_untracked());
    let data = LocalResource::new(move || {
        tick.track();
        refresh.track();
        let (client, p, i) = (session.client(), project.get(), id.get());
        async move { describe_instance(&client, &p, &i).await }
    });
    let busy = RwSignal::new(false);
    view! {
        <section class="page" id="instance-detail" data-instance-id=move || id.get()>
            <p class="breadcrumbs"><a href=move || instances_href(&project.get(), &[]) id="back-to-instances">{tr!(emr_inst.back)}</a></p>
            <ProgressBar busy=busy label=tr!(emr_inst.refreshing)/>
            <Transition fallback=|| view! { <Spinner label=tr!(emr_inst.loading_one)/> } set_pending=busy.write_only()>
                <InstanceBody data=data project=project id=id live=live/>
            </Transition>
        </section>
    }
}

#[component]
fn InstanceBody(data: LocalResource<Result<NodeInstance, ApiError>>, project: Memo<String>, id: Memo<String>, live: RwSignal<bool>) -> impl IntoView {
    let ro = super::write_block();
    let session = use_session();
    let refresh = expect_context::<RefreshBus>();
    let inst = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().ok().cloned())));
    let error = Memo::new(move |_| data.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned())));
    run_effect(move || live.set(inst.with(|i| i.as_ref().is_none_or(|i| !is_final_status(&i.status)))));
    let status = Signal::derive(move || inst.with(|i| i.as_ref().map(|i| i.status.clone()).unwrap_or_default()));
    let pending = Signal::derive(move || inst.with(|i| i.as_ref().is_some_and(|i| i.pending)));

    let kill_open = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let kill = Action::new_local(move |_: &()| {
        let (client, p, i) = (session.client(), project.get_untracked(), id.get_untracked());
        async move { kill_instance(&client, &p, &i).await.map(|r| r.request_id) }
    });
    run_effect(move || {
        if let Some(r) = kill.value().get() {
            kill_open.set(false);
            outcome.set(Some(r));
            refresh.bump();
        }
    });

    let facts = move || inst.get().map(|i| {
        let fact = |label: fn() -> String, value: AnyView| view! { <div class="fact"><dt>{label}</dt><dd>{value}</dd></div> };
        let duration = if i.start_time > 0 {
            let end = if i.end_time > 0 { i.end_time } else { js_sys::Date::now() as i64 };
            format::duration_ms(end - i.start_time)
        } else {
            "—".into()
        };
        let retries = t!(emr_inst.retries_of, n = i.retries, max = i.max_retry.clone());
        view! {
            <dl class="facts">
                {fact(|| t!(emr_inst.instance_id), view! { <span class="id-cell"><code class="mono" id="instance-id">{i.id.clone()}</code><CopyButton text=i.id.clone() label=tr!(emr_inst.instance_id)/></span> }.into_any())}
                {fact(|| t!(emr_inst.job), view! { <a href=flow_job_href(&project.get_untracked(), &i.job_id) id="instance-job">{format!("{} ({})", i.job_name, i.job_id)}</a> }.into_any())}
                {fact(|| t!(emr_runs.col_type), i.job_type.clone().into_any())}
                {fact(|| t!(emr_inst.cluster), view! { <span id="instance-cluster">{format!("{} ({})", i.cluster_name, i.cluster_id)}</span> }.into_any())}
                {fact(|| t!(emr_job.mode), i.mode.clone().into_any())}
                {fact(|| t!(emr_inst.host), i.host_name.clone().into_any())}
                {fact(|| t!(emr_inst.started), view! { <Timestamp epoch=i.start_time.to_string()/> }.into_any())}
                {fact(|| t!(emr_run.ended), view! { <Timestamp epoch=i.end_time.to_string()/> }.into_any())}
                {fact(|| t!(emr_runs.col_duration), duration.into_any())}
                {fact(|| t!(emr_inst.retries), view! { <span id="instance-retries">{retries}</span> }.into_any())}
                {fact(|| t!(emr_job.fail_act), i.fail_act.clone().into_any())}
                {fact(|| t!(emr_inst.external), view! { <code class="mono">{format!("{} {}", i.external_id, i.external_status).trim().to_string()}</code> }.into_any())}
            </dl>
            <h3>{tr!(emr_inst.job_params)}</h3>
            <pre class="code-block" id="instance-params">{i.job_params.clone()}</pre>
            {(!i.external_info.is_empty()).then(|| view! { <h3>{tr!(emr_inst.external_info)}</h3><pre class="code-block" id="instance-info">{i.external_info.clone()}</pre> })}
        }
    });
    let source: LogSource = std::rc::Rc::new(move |instance: String, offset: i64| {
        let (client, p) = (session.client_untracked(), project.get_untracked());
        Box::pin(async move {
            launcher_log(&client, &p, &instance, offset, LOG_CHUNK)
                .await
                .map(|r| (r.log_entrys.log_entry.into_iter().map(|e| e.content).collect(), r.log_end))
        })
    });
    let source = StoredValue::new_local(source);
    view! {
        {move || error.get().map(|e| view! {
            <ErrorPanel error=e title=tr!(emr_inst.load_one_failed) on_retry=Callback::new(move |_| refresh.bump())/>
        })}
        <When when=move || inst.with(Option::is_some)>
            <header class="page-head">
                <h1 id="instance-title">{move || t!(emr_inst.title_one, id = id.get())}</h1>
                <div class="page-actions">
                    <When when=move || inst.with(|i| i.as_ref().is_some_and(|i| !is_final_status(&i.status)))>
                        <button type="button" class="btn btn-danger" id="kill-instance" disabled=move || ro.with(Option::is_some) title=move || ro.get() on:click=move |_| { outcome.set(None); kill_open.set(true); }>
                            {tr!(emr_inst.kill)}
                        </button>
                    </When>
                </div>
            </header>
            {move || outcome.get().map(|r| match r {
                Ok(request) => view! { <p class="notice notice-ok" role="status" id="kill-outcome">{move || t!(emr_inst.kill_accepted_one, request = request)}</p> }.into_any(),
                Err(e) => view! { <ErrorPanel error=e title=tr!(emr_inst.kill_refused)/> }.into_any(),
            })}
            <div class="card">
                <div class="job-status-line" id="instance-status"><FlowStatusChip status=status pending=pending/></div>
            </div>
            <section class="card" aria-labelledby="instance-facts-title">
                <h2 id="instance-facts-title">{tr!(emr_run.details)}</h2>
                {facts}
            </section>
            <section class="card" aria-labelledby="instance-log-title">
                <h2 id="instance-log-title">{tr!(emr_inst.log)}</h2>
                <FollowedLog key=id source=source live=live id="instance-log" label=tr!(emr_inst.log)/>
            </section>
        </When>
        <Dialog open=kill_open on_close=Callback::new(move |_| kill_open.set(false)) title=tr!(emr_inst.kill_title) id="kill-instance-dialog"
            initial_focus="#kill-instance-keep">
            <p>{move || t!(emr_inst.kill_text, id = id.get())}</p>
            <div class="dialog-actions">
                <button type="button" class="btn" id="kill-instance-keep" on:click=move |_| kill_open.set(false)>{tr!(emr_runs.keep_running)}</button>
                <button type="button" class="btn btn-danger" id="kill-instance-confirm" disabled=move || kill.pending().get()
                    on:click=move |_| { kill.dispatch(()); }>
                    {move || if kill.pending().get() { t!(emr_inst.killing) } else { t!(emr_inst.kill) }}
                </button>
            </div>
        </Dialog>
    }
}
