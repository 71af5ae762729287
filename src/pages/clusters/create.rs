//! `/clusters/create`: three steps (software → hardware → advanced). What the account offers —
//! versions and their components, the region's zones, flavors per zone, VPCs and subnets — is read
//! from the service (ShowMrsVersionList, ShowMrsVersionMetadata, ListAvailableZones, ShowMrsFlavors
//! and the VPC service's lists) into a [`Catalog`]; nothing about an account is compiled in. The
//! draft is validated against that catalog with `lakedeck_api::rules::validate_create_cluster`,
//! the same rules the server applies; each error is shown next to its field. Nothing typed is lost
//! when moving between steps or when the server refuses the request.

use lakedeck_api::catalog::{self, flavor_size, group_role, Catalog};
use lakedeck_api::mrs::{ChargeInfo, CreateClusterReq, NodeGroupV2, Tag, Volume};
use lakedeck_api::problem::Problem;
use lakedeck_api::rules::{validate_create_cluster, FieldError, MAX_TAGS};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::api::mrs::create_cluster;
use crate::api::{meta, ApiError};
use crate::app::href;
use crate::components::{described_by, field_dom_id, ErrorPanel, FormField, SelectField, Spinner, TextField, When};
use crate::state::session::SessionExt;
use crate::i18n::problem;
use crate::state::{load, use_session, LoadResult, Loaded, SessionStateStoreFields};
use crate::{t, tr};

/// The wizard's steps, named in the current language.
pub const STEPS: [fn() -> String; 3] = [|| t!(wizard.step_software), || t!(wizard.step_hardware), || t!(wizard.step_advanced)];
pub const DEFAULT_COMPONENTS: [&str; 5] = ["Hadoop", "Spark2x", "Hive", "Tez", "ZooKeeper"];
pub const DEFAULT_FLAVOR: &str = "c6.4xlarge.4.linux.bigdata";
/// Types the wizard offers; CUSTOM clusters (own role placement) are created through the API.
pub const WIZARD_TYPES: [&str; 3] = ["ANALYSIS", "STREAMING", "MIXED"];

/// One node group as typed (numbers stay text so a half-typed value is never lost).
#[derive(Clone, Debug, PartialEq)]
pub struct GroupDraft {
    pub group_name: String,
    /// Optional (task) groups can be left out.
    pub optional: bool,
    pub enabled: bool,
    pub node_num: String,
    pub node_size: String,
    pub root_type: String,
    pub root_size: String,
    pub data_type: String,
    pub data_size: String,
    pub data_count: String,
}

impl GroupDraft {
    pub fn standard(name: &str, required: bool) -> GroupDraft {
        let nodes = match group_role(name) {
            "Master" => "2",
            "Core" => "3",
            _ => "1",
        };
        GroupDraft {
            group_name: name.into(),
            optional: !required,
            enabled: required,
            node_num: nodes.into(),
            node_size: DEFAULT_FLAVOR.into(),
            root_type: "SAS".into(),
            root_size: "480".into(),
            data_type: "SAS".into(),
            data_size: "600".into(),
            data_count: "1".into(),
        }
    }

    fn to_wire(&self) -> NodeGroupV2 {
        // Unparsable numbers become values the rules refuse, so the error shows at the field.
        let num = |s: &str, bad: i64| s.trim().parse::<i64>().unwrap_or(bad);
        let count = num(&self.data_count, -1);
        NodeGroupV2 {
            group_name: self.group_name.clone(),
            node_num: num(&self.node_num, -1),
            node_size: self.node_size.clone(),
            root_volume: Some(Volume { volume_type: self.root_type.clone(), size: num(&self.root_size, 0) }),
            data_volume: (count > 0).then(|| Volume { volume_type: self.data_type.clone(), size: num(&self.data_size, 0) }),
            data_volume_count: Some(count),
            ..Default::default()
        }
    }
}

pub fn groups_for(cluster_type: &str) -> Vec<GroupDraft> {
    catalog::standard_groups(cluster_type).iter().map(|(n, req)| GroupDraft::standard(n, *req)).collect()
}

/// Everything the wizard collects.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub cluster_name: String,
    pub cluster_version: String,
    pub cluster_type: String,
    pub components: Vec<String>,
    pub safe_mode: String,
    pub region: String,
    pub availability_zone: String,
    pub vpc_name: String,
    pub subnet_name: String,
    pub groups: Vec<GroupDraft>,
    pub login_mode: String,
    pub node_keypair_name: String,
    pub node_root_password: String,
    pub manager_admin_password: String,
    pub manager_admin_password_confirm: String,
    pub tags: Vec<(String, String)>,
    pub log_collection: bool,
}

/// Version, zone, VPC, subnet and key pair start empty: the first four are filled from what the
/// service offers once it has answered, the key pair is the user's to name.
impl Default for Draft {
    fn default() -> Self {
        Draft {
            cluster_name: String::new(),
            cluster_version: String::new(),
            cluster_type: "ANALYSIS".into(),
            components: DEFAULT_COMPONENTS.iter().map(|s| s.to_string()).collect(),
            safe_mode: "SIMPLE".into(),
            region: String::new(),
            availability_zone: String::new(),
            vpc_name: String::new(),
            subnet_name: String::new(),
            groups: groups_for("ANALYSIS"),
            login_mode: "KEYPAIR".into(),
            node_keypair_name: String::new(),
            node_root_password: String::new(),
            manager_admin_password: String::new(),
            manager_admin_password_confirm: String::new(),
            tags: Vec::new(),
            log_collection: true,
        }
    }
}

impl Draft {
    /// Draft indices of the groups that are sent, in wire order.
    pub fn sent_groups(&self) -> Vec<usize> {
        self.groups.iter().enumerate().filter(|(_, g)| g.enabled || !g.optional).map(|(i, _)| i).collect()
    }

    pub fn to_request(&self, offer: &Catalog) -> CreateClusterReq {
        let keypair = self.login_mode == "KEYPAIR";
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        // Components in the version's order, so the request reads the same way every time.
        let components = offer
            .version(&self.cluster_version)
            .filter(|v| !v.components.is_empty())
            .map(|v| v.components.iter().map(|c| c.name.as_str()).filter(|n| self.components.iter().any(|c| c == n)).collect::<Vec<_>>().join(","))
            .unwrap_or_else(|| self.components.join(","));
        CreateClusterReq {
            cluster_version: opt(&self.cluster_version),
            cluster_name: Some(self.cluster_name.trim().to_string()),
            cluster_type: opt(&self.cluster_type),
            charge_info: Some(ChargeInfo { charge_mode: "postPaid".into(), ..Default::default() }),
            region: opt(&self.region),
            availability_zone: opt(&self.availability_zone),
            vpc_name: opt(&self.vpc_name),
            subnet_id: offer.vpc(&self.vpc_name).and_then(|v| v.subnet_by_name(&self.subnet_name)).map(|s| s.id.clone()),
            subnet_name: opt(&self.subnet_name),
            components: Some(components),
            safe_mode: opt(&self.safe_mode),
            manager_admin_password: Some(self.manager_admin_password.clone()),
            login_mode: opt(&self.login_mode),
            node_keypair_name: if keypair { opt(&self.node_keypair_name) } else { None },
            node_root_password: if keypair { None } else { Some(self.node_root_password.clone()) },
            tags: (!self.tags.is_empty())
                .then(|| self.tags.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect()),
            log_collection: Some(if self.log_collection { 1 } else { 0 }),
            node_groups: Some(self.sent_groups().into_iter().map(|i| self.groups[i].to_wire()).collect()),
            ..Default::default()
        }
    }

    /// Rule errors against what the service offers, plus the console's own password confirmation check.
    pub fn errors(&self, offer: &Catalog) -> Vec<FieldError> {
        let mut e = validate_create_cluster(&self.to_request(offer), offer);
        if self.manager_admin_password_confirm != self.manager_admin_password {
            e.push(FieldError::new("manager_admin_password_confirm", "CONSOLE", Problem::new("password.mismatch")));
        }
        e
    }

    /// The DOM id showing a wire field's error: the wire index of a node group is turned into the
    /// draft index (left-out task groups shift the wire indices); `subnet_id` shows at the subnet select.
    pub fn dom_id_for(&self, field: &str) -> String {
        if field == "subnet_id" {
            return "subnet_name".into();
        }
        if let Some(rest) = field.strip_prefix("node_groups[") {
            if let Some((idx, tail)) = rest.split_once(']') {
                if let Some(&j) = idx.parse::<usize>().ok().and_then(|i| self.sent_groups().get(i).copied()).as_ref() {
                    return field_dom_id(&format!("node_groups[{j}]{tail}"));
                }
            }
        }
        field_dom_id(field)
    }
}

/// Which step (0–2) owns a wire field.
pub fn step_of(field: &str) -> usize {
    let head = field.split(['[', '.']).next().unwrap_or(field);
    match head {
        "cluster_name" | "cluster_version" | "cluster_type" | "components" | "safe_mode" => 0,
        "region" | "availability_zone" | "vpc_name" | "subnet_id" | "subnet_name" | "node_groups" => 1,
        _ => 2,
    }
}

fn opts(items: impl IntoIterator<Item = impl ToString>) -> Vec<(String, String)> {
    items.into_iter().map(|s| (s.to_string(), s.to_string())).collect()
}

fn focus_id(id: &str) {
    let id = id.to_string();
    set_timeout(
        move || {
            if let Some(el) = document().get_element_by_id(&id) {
                let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        },
        std::time::Duration::from_millis(0),
    );
}

/// Shared wizard state handed to the step components. Errors are kept as problems and worded
/// when shown, so they follow a language switch.
#[derive(Clone, Copy)]
struct Wiz {
    draft: RwSignal<Draft>,
    errors: Memo<Vec<(usize, String, Problem)>>,
    touched: RwSignal<Vec<String>>,
    attempted: RwSignal<[bool; 3]>,
    /// What the service offers, as far as it has answered.
    offer: Memo<Catalog>,
}

/// Fills the choices the service decides when they are empty or no longer offered: the newest
/// version, the default zone, the first VPC and subnet, and per node group a flavor its role may
/// use (the usual default when offered). Components the version lacks are dropped.
pub fn settle(d: &mut Draft, offer: &Catalog, default_zone: &str) {
    if offer.version(&d.cluster_version).is_none() {
        if let Some(v) = offer.versions.last() {
            d.cluster_version = v.name.clone();
        }
    }
    if let Some(v) = offer.version(&d.cluster_version).filter(|v| !v.components.is_empty()) {
        d.components.retain(|c| v.component(c).is_some());
    }
    if let Some(r) = offer.regions.first() {
        if !r.zones.is_empty() && !r.has_zone(&d.availability_zone) {
            d.availability_zone = if r.has_zone(default_zone) { default_zone.to_string() } else { r.zones[0].code.clone() };
        }
    }
    if offer.vpc(&d.vpc_name).is_none() {
        if let Some(v) = offer.vpcs.first() {
            d.vpc_name = v.name.clone();
        }
    }
    if let Some(v) = offer.vpc(&d.vpc_name) {
        if v.subnet_by_name(&d.subnet_name).is_none() {
            if let Some(s) = v.subnets.first() {
                d.subnet_name = s.name.clone();
            }
        }
    }
    if !offer.flavors.is_empty() {
        for g in &mut d.groups {
            let role = group_role(&g.group_name);
            if offer.flavor(&g.node_size).is_none_or(|f| !f.allows(role)) {
                let usable = |name: &str| offer.flavor(name).is_some_and(|f| f.allows(role));
                let pick = if usable(DEFAULT_FLAVOR) {
                    Some(DEFAULT_FLAVOR.to_string())
                } else {
                    offer.flavors.iter().find(|f| f.allows(role)).map(|f| f.name.clone())
                };
                if let Some(p) = pick {
                    g.node_size = p;
                }
            }
        }
    }
}

/// A flavor's name with its size when the name tells it.
pub fn flavor_label(name: &str) -> String {
    match flavor_size(name) {
        Some((vcpus, mem)) => t!(wizard.flavor_option, name = name, vcpus = vcpus, mem = mem),
        None => name.to_string(),
    }
}

fn loaded<T>(r: Option<LoadResult>, pick: impl FnOnce(Loaded) -> Option<T>) -> Option<T> {
    r.and_then(Result::ok).and_then(pick)
}

impl Wiz {
    /// The visible error for a DOM id: shown once the field was edited or Next/Submit was tried.
    fn error(self, id: impl Into<String>) -> Signal<Option<String>> {
        let id = id.into();
        Signal::derive(move || {
            let errs = self.errors.get();
            let (step, _, p) = errs.into_iter().find(|(_, d, _)| *d == id)?;
            let shown = self.touched.with(|t| t.contains(&id)) || self.attempted.with(|a| a[step]);
            shown.then(|| problem(&p))
        })
    }

    fn touch(self, id: &str) {
        if !self.touched.with_untracked(|t| t.iter().any(|x| x == id)) {
            self.touched.update(|t| t.push(id.to_string()));
        }
    }

    /// A text binding into the draft.
    fn text(self, id: &'static str, get: fn(&Draft) -> &String, set: fn(&mut Draft, String)) -> (Signal<String>, Callback<String>) {
        let draft = self.draft;
        let value = Memo::new(move |_| draft.with(|d| get(d).clone()));
        let cb = Callback::new(move |v: String| {
            draft.update(|d| set(d, v));
            self.touch(id);
        });
        (value.into(), cb)
    }

    fn group_text(self, j: usize, field: &'static str, get: fn(&GroupDraft) -> &String, set: fn(&mut GroupDraft, String)) -> (String, Signal<String>, Callback<String>) {
        let draft = self.draft;
        let id = field_dom_id(&format!("node_groups[{j}].{field}"));
        let value = Memo::new(move |_| draft.with(|d| d.groups.get(j).map(|g| get(g).clone()).unwrap_or_default()));
        let touched_id = id.clone();
        let cb = Callback::new(move |v: String| {
            draft.update(|d| if let Some(g) = d.groups.get_mut(j) { set(g, v) });
            self.touch(&touched_id);
        });
        (id, value.into(), cb)
    }
}

#[component]
pub fn CreateCluster() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let draft = RwSignal::new(Draft::default());
    let step = RwSignal::new(0usize);

    // What the service offers, read as the choices it depends on are made.
    let reload = RwSignal::new(0u32);
    let region = Memo::new(move |_| session.config().with(|c| c.region.clone()));
    let version = Memo::new(move |_| draft.with(|d| d.cluster_version.clone()));
    let zone = Memo::new(move |_| draft.with(|d| d.availability_zone.clone()));
    let versions = load(move || {
        reload.track();
        let c = session.client();
        Box::pin(async move { meta::versions(&c).await.map(Loaded::Versions) })
    });
    let version_meta = load(move || {
        reload.track();
        let (c, v) = (session.client(), version.get());
        Box::pin(async move {
            if v.is_empty() {
                return Ok(Loaded::Nothing);
            }
            meta::version_metadata(&c, &v).await.map(|m| Loaded::VersionMeta(Box::new(m)))
        })
    });
    let zones = load(move || {
        reload.track();
        let (c, r) = (session.client(), region.get());
        Box::pin(async move { meta::zones(&c, &r).await.map(Loaded::Zones) })
    });
    let flavors = load(move || {
        reload.track();
        let (c, v, z) = (session.client(), version.get(), zone.get());
        Box::pin(async move {
            if v.is_empty() || z.is_empty() {
                return Ok(Loaded::Nothing);
            }
            meta::flavors(&c, &v, &z).await.map(Loaded::Flavors)
        })
    });
    let vpcs = load(move || {
        reload.track();
        let c = session.client();
        Box::pin(async move { meta::vpcs(&c).await.map(Loaded::Vpcs) })
    });
    let vpc_list = Memo::new(move |_| loaded(vpcs.get(), |l| if let Loaded::Vpcs(v) = l { Some(v) } else { None }).unwrap_or_default());
    let vpc_id = Memo::new(move |_| {
        let name = draft.with(|d| d.vpc_name.clone());
        vpc_list.with(|l| l.iter().find(|v| v.name == name).map(|v| v.id.clone()).unwrap_or_default())
    });
    let subnets = load(move || {
        reload.track();
        let (c, id) = (session.client(), vpc_id.get());
        Box::pin(async move {
            if id.is_empty() {
                return Ok(Loaded::Nothing);
            }
            meta::subnets(&c, &id).await.map(Loaded::Subnets)
        })
    });
    let zone_answer = Memo::new(move |_| loaded(zones.get(), |l| if let Loaded::Zones(z) = l { Some(z) } else { None }).unwrap_or_default());
    let offer = Memo::new(move |_| {
        let names = loaded(versions.get(), |l| if let Loaded::Versions(v) = l { Some(v) } else { None }).unwrap_or_default();
        let metas: Vec<_> = loaded(version_meta.get(), |l| if let Loaded::VersionMeta(m) = l { Some(*m) } else { None }).into_iter().collect();
        let fl = loaded(flavors.get(), |l| if let Loaded::Flavors(f) = l { Some(f) } else { None });
        let subs = loaded(subnets.get(), |l| if let Loaded::Subnets(s) = l { Some(s) } else { None }).unwrap_or_default();
        zone_answer.with(|z| vpc_list.with(|v| lakedeck_api::mrs_meta::offer(&region.get(), &names, &metas, fl.as_ref(), z, v, &subs)))
    });
    let resources = [versions, version_meta, zones, flavors, vpcs, subnets];
    // Still waiting for an answer the current choices need (the first answers fill them in).
    let pending = Memo::new(move |_| resources.iter().any(|r| r.with(Option::is_none)));
    let offer_error = Memo::new(move |_| resources.iter().find_map(|r| r.with(|d| d.as_ref().and_then(|r| r.as_ref().err().cloned()))));
    crate::state::run_effect(move || {
        let o = offer.get();
        let default_zone = zone_answer.with(|z| z.default_az_code.clone());
        let region = region.get();
        let mut d = draft.get_untracked();
        d.region = region;
        settle(&mut d, &o, &default_zone);
        if d != draft.get_untracked() {
            draft.set(d);
        }
    });

    let errors = Memo::new(move |_| {
        draft.with(|d| offer.with(|o| d.errors(o).into_iter().map(|e| (step_of(&e.field), d.dom_id_for(&e.field), e.problem)).collect::<Vec<_>>()))
    });
    let wiz = Wiz { draft, errors, touched: RwSignal::new(Vec::new()), attempted: RwSignal::new([false; 3]), offer };
    let server_error = RwSignal::new(None::<ApiError>);
    let submitting = RwSignal::new(false);
    let read_only = crate::state::use_read_only();

    let step_errors = move |s: usize| errors.with(|e| e.iter().filter(|(st, _, _)| *st == s).cloned().collect::<Vec<_>>());
    let go_to = move |s: usize| {
        step.set(s);
        focus_id("wizard-step-title");
    };
    let next = move |_| {
        let s = step.get_untracked();
        wiz.attempted.update(|a| a[s] = true);
        if step_errors(s).is_empty() {
            go_to((s + 1).min(2));
        } else {
            focus_id("wizard-summary");
        }
    };
    let back = move |_| go_to(step.get_untracked().saturating_sub(1));
    let submit = Callback::new(move |_: ()| {
        wiz.attempted.set([true; 3]);
        let all = errors.get_untracked();
        if let Some((first_step, _, _)) = all.first() {
            if *first_step != step.get_untracked() {
                go_to(*first_step);
            } else {
                focus_id("wizard-summary");
            }
            return;
        }
        if submitting.get_untracked() {
            return;
        }
        let req = draft.with_untracked(|d| offer.with_untracked(|o| d.to_request(o)));
        let client = session.client_untracked();
        let navigate = navigate.clone();
        submitting.set(true);
        server_error.set(None);
        leptos::task::spawn_local(async move {
            let res = create_cluster(&client, &req).await;
            let _ = submitting.try_set(false);
            match res {
                Ok(id) => navigate(&format!("/clusters/{id}"), Default::default()),
                Err(e) => {
                    let _ = server_error.try_set(Some(e));
                    focus_id("wizard-server-error");
                }
            }
        });
    });

    let summary = move || {
        let s = step.get();
        let errs = step_errors(s);
        (wiz.attempted.with(|a| a[s]) && !errs.is_empty()).then(|| {
            view! {
                <div class="error-summary" id="wizard-summary" role="alert" tabindex="-1">
                    <strong>{t!(wizard.fix_problems, count = errs.len())}</strong>
                    <ul>
                        {errs.into_iter().map(|(_, id, p)| view! { <li><a href=format!("#{id}")>{move || problem(&p)}</a></li> }).collect_view()}
                    </ul>
                </div>
            }.into_any()
        })
    };

    view! {
        <section class="page page-narrow" aria-labelledby="wizard-title">
            <nav class="breadcrumb" aria-label=tr!(common.breadcrumb)>
                <a href=href("/clusters")>{tr!(nav.clusters)}</a><span aria-hidden="true">" / "</span><span aria-current="page">{tr!(wizard.crumb)}</span>
            </nav>
            <header class="page-head"><h1 id="wizard-title">{tr!(wizard.title)}</h1></header>
            <ol class="stepper" aria-label=tr!(wizard.steps)>
                {STEPS.iter().enumerate().map(|(i, label)| view! {
                    <li class:done=move || { step.get() > i } class:current=move || { step.get() == i }
                        aria-current=move || (step.get() == i).then_some("step")>
                        <button type="button" class="step-btn" disabled=move || { i >= step.get() }
                            on:click=move |_| go_to(i)>
                            <span class="step-num" aria-hidden="true">{i + 1}</span>{*label}
                        </button>
                    </li>
                }).collect_view()}
            </ol>
            <form class="card form wizard" novalidate=true on:submit=|ev| ev.prevent_default()>
                <h2 id="wizard-step-title" tabindex="-1">{move || t!(wizard.step_heading, step = step.get() + 1, name = STEPS[step.get()]())}</h2>
                {move || summary()}
                {move || offer_error.get().map(|e| view! {
                    <ErrorPanel error=e title=tr!(wizard.offer_failed) on_retry=Callback::new(move |_| reload.update(|n| *n += 1))/>
                })}
                {move || (pending.get() && offer_error.with(Option::is_none)).then(|| view! { <Spinner label=t!(wizard.offer_loading)/> })}
                {move || server_error.get().map(|e| view! {
                    <div id="wizard-server-error" tabindex="-1">
                        <ErrorPanel error=e title=tr!(wizard.refused) hint=tr!(wizard.refused_hint)/>
                    </div>
                })}
                <div hidden=move || step.get() != 0><SoftwareStep wiz=wiz/></div>
                <div hidden=move || step.get() != 1><HardwareStep wiz=wiz/></div>
                <div hidden=move || step.get() != 2><AdvancedStep wiz=wiz/></div>
                <div class="form-actions wizard-actions">
                    <button type="button" class="btn" id="wizard-back" disabled=move || step.get() == 0 on:click=back>{tr!(wizard.back)}</button>
                    <When when=move || step.get() < 2>
                        <button type="button" class="btn btn-primary" id="wizard-next" disabled=move || pending.get() on:click=next>{tr!(wizard.next)}</button>
                    </When>
                    <When when=move || step.get() == 2>
                        <button type="button" class="btn btn-primary" id="wizard-submit"
                            disabled=move || submitting.get() || pending.get() || read_only.with(Option::is_some) title=move || read_only.get()
                            on:click=move |_| submit.run(())>
                            {move || if submitting.get() { t!(wizard.creating) } else { t!(wizard.title) }}
                        </button>
                    </When>
                    <a class="btn btn-ghost" href=href("/clusters")>{tr!(common.cancel)}</a>
                </div>
            </form>
        </section>
    }
}

#[component]
fn SoftwareStep(wiz: Wiz) -> impl IntoView {
    let draft = wiz.draft;
    let (name, set_name) = wiz.text("cluster_name", |d| &d.cluster_name, |d, v| d.cluster_name = v);
    let (version, set_version) = wiz.text("cluster_version", |d| &d.cluster_version, |d, v| d.cluster_version = v);
    let (safe, set_safe) = wiz.text("safe_mode", |d| &d.safe_mode, |d, v| d.safe_mode = v);
    let ctype = Memo::new(move |_| draft.with(|d| d.cluster_type.clone()));
    let offer = wiz.offer;
    let set_type = Callback::new(move |t: String| {
        draft.update(|d| {
            for c in catalog::required_components(&t) {
                if !d.components.iter().any(|x| x == c) {
                    d.components.push(c.to_string());
                }
            }
            d.groups = groups_for(&t);
            d.cluster_type = t;
            offer.with_untracked(|o| settle(d, o, ""));
        });
        wiz.touch("cluster_type");
    });
    let components = Memo::new(move |_| {
        let v = draft.with(|d| d.cluster_version.clone());
        offer.with(|o| o.version(&v).map(|v| v.components.iter().map(|c| (c.name.clone(), c.version.clone())).collect::<Vec<_>>()).unwrap_or_default())
    });
    let required = move || catalog::required_components(&ctype.get());
    let comp_error = wiz.error("components");

    view! {
        <TextField id="cluster_name" label=tr!(wizard.name) value=name on_input=set_name error=wiz.error("cluster_name")
            hint=tr!(wizard.name_hint) required=true autocomplete="off"/>
        <div class="field-row">
            <SelectField id="cluster_version" label=tr!(clusters.col_version) value=version on_change=set_version
                options=Signal::derive(move || offer.with(|o| opts(o.versions.iter().map(|v| v.name.clone())))) error=wiz.error("cluster_version")/>
            <SelectField id="cluster_type" label=tr!(wizard.type_label) value=ctype on_change=set_type
                options={move || WIZARD_TYPES.iter().map(|t| (t.to_string(), super::type_name(t))).collect::<Vec<_>>()}
                error=wiz.error("cluster_type")
                hint=tr!(wizard.type_hint)/>
        </div>
        <FormField id="components" label=tr!(cluster.components) error=comp_error group=true
            hint=tr!(wizard.components_hint)>
            <div class="checks" role="group" aria-labelledby="components-label" aria-describedby=described_by("components")>
                {move || components.get().into_iter().map(|(n, ver)| {
                    let id = format!("component-{}", n.to_ascii_lowercase());
                    let for_id = id.clone();
                    let label_text = n.clone();
                    let value = n.clone();
                    let n2 = n.clone();
                    let n3 = n.clone();
                    let is_required = move || required().contains(&n3.as_str());
                    let checked = move || draft.with(|d| d.components.contains(&n2));
                    view! {
                        <label class="check" for=for_id>
                            <input type="checkbox" id=id name="components" value=value
                                prop:checked=checked disabled=is_required.clone()
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let n = n.clone();
                                    draft.update(|d| {
                                        d.components.retain(|c| *c != n);
                                        if on { d.components.push(n); }
                                    });
                                    wiz.touch("components");
                                }/>
                            <span>{label_text}</span> <span class="muted small">{ver}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        </FormField>
        <SelectField id="safe_mode" label=tr!(cluster.safe_mode) value=safe on_change=set_safe
            options={move || vec![("SIMPLE".to_string(), t!(cluster.safe_normal)), ("KERBEROS".to_string(), t!(wizard.safe_kerberos))]}
            error=wiz.error("safe_mode")/>
    }
}

#[component]
fn HardwareStep(wiz: Wiz) -> impl IntoView {
    let draft = wiz.draft;
    let offer = wiz.offer;
    let region = Memo::new(move |_| draft.with(|d| d.region.clone()));
    let (az, set_az) = wiz.text("availability_zone", |d| &d.availability_zone, |d, v| d.availability_zone = v);
    let vpc = Memo::new(move |_| draft.with(|d| d.vpc_name.clone()));
    let set_vpc = Callback::new(move |v: String| {
        draft.update(|d| {
            d.subnet_name = offer.with_untracked(|o| o.vpc(&v).and_then(|x| x.subnets.first()).map(|s| s.name.clone()).unwrap_or_default());
            d.vpc_name = v;
        });
        wiz.touch("vpc_name");
    });
    let (subnet, set_subnet) = wiz.text("subnet_name", |d| &d.subnet_name, |d, v| d.subnet_name = v);
    let with_code = |name: &str, code: &str| if name.is_empty() { code.to_string() } else { format!("{name} ({code})") };
    let zones = Signal::derive(move || {
        offer.with(|o| o.regions.first().map(|r| r.zones.iter().map(|z| (z.code.clone(), with_code(&z.name, &z.code))).collect()).unwrap_or_default())
    });
    let vpcs = Signal::derive(move || offer.with(|o| o.vpcs.iter().map(|v| (v.name.clone(), with_code(&v.name, &v.cidr))).collect()));
    let subnets = Signal::derive(move || {
        offer.with(|o| o.vpc(&vpc.get()).map(|v| v.subnets.iter().map(|s| (s.name.clone(), with_code(&s.name, &s.cidr))).collect()).unwrap_or_default())
    });
    let group_count = Memo::new(move |_| draft.with(|d| d.groups.len()));

    view! {
        <div class="field-row">
            <TextField id="region" label=tr!(wizard.region) value=region on_input=Callback::new(|_| {}) disabled=true
                hint=tr!(wizard.region_hint) error=wiz.error("region")/>
            <SelectField id="availability_zone" label=tr!(wizard.az) value=az on_change=set_az options=zones
                error=wiz.error("availability_zone")/>
        </div>
        <div class="field-row">
            <SelectField id="vpc_name" label=tr!(wizard.vpc) value=vpc on_change=set_vpc options=vpcs error=wiz.error("vpc_name")/>
            <SelectField id="subnet_name" label=tr!(wizard.subnet) value=subnet on_change=set_subnet options=subnets
                error=wiz.error("subnet_name")/>
        </div>
        <h3 class="section-title">{tr!(cluster.node_groups)}</h3>
        {move || wiz.error("node_groups").get().map(|m| view! { <p class="field-error" data-field="node_groups">{m}</p> }.into_any())}
        {move || (0..group_count.get()).map(|j| view! { <GroupEditor wiz=wiz j=j/> }).collect_view()}
    }
}

#[component]
fn GroupEditor(wiz: Wiz, j: usize) -> impl IntoView {
    let draft = wiz.draft;
    let group = Memo::new(move |_| draft.with(|d| d.groups.get(j).cloned()));
    let name = move || group.with(|g| g.as_ref().map(|g| g.group_name.clone()).unwrap_or_default());
    let optional = move || group.with(|g| g.as_ref().is_some_and(|g| g.optional));
    let enabled = move || group.with(|g| g.as_ref().is_some_and(|g| g.enabled || !g.optional));
    let (num_id, num, set_num) = wiz.group_text(j, "node_num", |g| &g.node_num, |g, v| g.node_num = v);
    let (size_id, size, set_size) = wiz.group_text(j, "node_size", |g| &g.node_size, |g, v| g.node_size = v);
    let (rt_id, rt, set_rt) = wiz.group_text(j, "root_volume.type", |g| &g.root_type, |g, v| g.root_type = v);
    let (rs_id, rs, set_rs) = wiz.group_text(j, "root_volume.size", |g| &g.root_size, |g, v| g.root_size = v);
    let (dt_id, dt, set_dt) = wiz.group_text(j, "data_volume.type", |g| &g.data_type, |g, v| g.data_type = v);
    let (ds_id, ds, set_ds) = wiz.group_text(j, "data_volume.size", |g| &g.data_size, |g, v| g.data_size = v);
    let (dc_id, dc, set_dc) = wiz.group_text(j, "data_volume_count", |g| &g.data_count, |g, v| g.data_count = v);
    let offer = wiz.offer;
    let flavors = Signal::derive(move || {
        let role = group_role(&name());
        offer.with(|o| o.flavors.iter().filter(|f| f.allows(role)).map(|f| (f.name.clone(), flavor_label(&f.name))).collect::<Vec<_>>())
    });
    let vols = Signal::derive(|| opts(catalog::VOLUME_TYPES.iter()));
    let toggle_id = format!("group-{j}-enabled");
    let group_err_id = field_dom_id(&format!("node_groups[{j}].group_name"));

    view! {
        <fieldset class="group-editor" data-group=name>
            <legend>
                <code class="mono">{name}</code>
                <span class="muted">{move || t!(wizard.group_role, role = group_role(&name()))}</span>
            </legend>
            <When when=optional>
                <label class="check" for=toggle_id.clone()>
                    <input type="checkbox" id=toggle_id.clone() prop:checked=enabled
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| if let Some(g) = d.groups.get_mut(j) { g.enabled = on });
                        }/>
                    {tr!(wizard.include_task_group)}
                </label>
            </When>
            {move || wiz.error(group_err_id.clone()).get().map(|m| view! { <p class="field-error" data-field=group_err_id.clone()>{m}</p> }.into_any())}
            <div class="group-grid" hidden=move || !enabled()>
                <TextField id=num_id.clone() label=tr!(clusters.col_nodes) value=num on_input=set_num input_type="number" min="0" error=wiz.error(num_id)/>
                <SelectField id=size_id.clone() label=tr!(cluster.col_flavor) value=size on_change=set_size options=flavors error=wiz.error(size_id)/>
                <SelectField id=rt_id.clone() label=tr!(wizard.system_disk_type) value=rt on_change=set_rt options=vols error=wiz.error(rt_id)/>
                <TextField id=rs_id.clone() label=tr!(wizard.system_disk_size) value=rs on_input=set_rs input_type="number" min="10" error=wiz.error(rs_id)/>
                <SelectField id=dt_id.clone() label=tr!(wizard.data_disk_type) value=dt on_change=set_dt options=vols error=wiz.error(dt_id)/>
                <TextField id=ds_id.clone() label=tr!(wizard.data_disk_size) value=ds on_input=set_ds input_type="number" min="10" error=wiz.error(ds_id)/>
                <TextField id=dc_id.clone() label=tr!(wizard.data_disk_count) value=dc on_input=set_dc input_type="number" min="0" error=wiz.error(dc_id)/>
            </div>
        </fieldset>
    }
}

#[component]
fn AdvancedStep(wiz: Wiz) -> impl IntoView {
    let draft = wiz.draft;
    let (mode, set_mode) = wiz.text("login_mode", |d| &d.login_mode, |d, v| d.login_mode = v);
    let (kp, set_kp) = wiz.text("node_keypair_name", |d| &d.node_keypair_name, |d, v| d.node_keypair_name = v);
    let (rootpw, set_rootpw) = wiz.text("node_root_password", |d| &d.node_root_password, |d, v| d.node_root_password = v);
    let (adminpw, set_adminpw) = wiz.text("manager_admin_password", |d| &d.manager_admin_password, |d, v| d.manager_admin_password = v);
    let (confirm, set_confirm) =
        wiz.text("manager_admin_password_confirm", |d| &d.manager_admin_password_confirm, |d, v| d.manager_admin_password_confirm = v);
    let keypair = move || mode.get() == "KEYPAIR";
    let tag_count = Memo::new(move |_| draft.with(|d| d.tags.len()));
    let pw_hint = move || t!(wizard.password_hint, specials = lakedeck_api::rules::PASSWORD_SPECIALS);

    view! {
        <TextField id="manager_admin_password" label=tr!(wizard.admin_password) value=adminpw on_input=set_adminpw
            input_type="password" autocomplete="new-password" required=true hint=pw_hint
            error=wiz.error("manager_admin_password")/>
        <TextField id="manager_admin_password_confirm" label=tr!(wizard.confirm_password) value=confirm on_input=set_confirm
            input_type="password" autocomplete="new-password" required=true error=wiz.error("manager_admin_password_confirm")/>
        <SelectField id="login_mode" label=tr!(wizard.login_mode) value=mode on_change=set_mode
            options={move || vec![("KEYPAIR".to_string(), t!(cluster.key_pair)), ("PASSWORD".to_string(), t!(wizard.password))]}
            error=wiz.error("login_mode")/>
        <div hidden=move || !keypair()>
            <TextField id="node_keypair_name" label=tr!(cluster.key_pair) value=kp on_input=set_kp autocomplete="off"
                hint=tr!(wizard.keypair_hint) error=wiz.error("node_keypair_name")/>
        </div>
        <div hidden=keypair>
            <TextField id="node_root_password" label=tr!(wizard.root_password) value=rootpw on_input=set_rootpw
                input_type="password" autocomplete="new-password" hint=pw_hint error=wiz.error("node_root_password")/>
        </div>
        <FormField id="tags" label=tr!(clusters.col_tags) group=true error=wiz.error("tags")
            hint=tr!(wizard.tags_hint, max = MAX_TAGS)>
            <div class="tags-editor" role="group" aria-labelledby="tags-label">
                {move || (0..tag_count.get()).map(|i| {
                    let row_id = format!("tags-{i}");
                    let key_id = format!("tags-{i}-key");
                    let val_id = format!("tags-{i}-value");
                    let err = wiz.error(row_id.clone());
                    let key = Memo::new(move |_| draft.with(|d| d.tags.get(i).map(|t| t.0.clone()).unwrap_or_default()));
                    let val = Memo::new(move |_| draft.with(|d| d.tags.get(i).map(|t| t.1.clone()).unwrap_or_default()));
                    let r1 = row_id.clone();
                    let r2 = row_id.clone();
                    view! {
                        <div class="tag-row" class:invalid=move || err.with(Option::is_some)>
                            <input id=key_id class="input" placeholder=tr!(wizard.tag_key_placeholder) aria-label=tr!(wizard.tag_key, n = i + 1)
                                aria-describedby=described_by(&row_id)
                                prop:value=key on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    draft.update(|d| if let Some(t) = d.tags.get_mut(i) { t.0 = v });
                                    wiz.touch(&r1);
                                }/>
                            <input id=val_id class="input" placeholder=tr!(wizard.tag_value_placeholder) aria-label=tr!(wizard.tag_value, n = i + 1)
                                aria-describedby=described_by(&row_id)
                                prop:value=val on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    draft.update(|d| if let Some(t) = d.tags.get_mut(i) { t.1 = v });
                                    wiz.touch(&r2);
                                }/>
                            <button type="button" class="btn btn-sm btn-ghost" aria-label=tr!(wizard.tag_remove, n = i + 1)
                                on:click=move |_| draft.update(|d| { if i < d.tags.len() { d.tags.remove(i); } })>{tr!(common.remove)}</button>
                            {move || err.get().map(|m| view! { <p class="field-error" id=format!("{row_id}-error") data-field=row_id.clone()>{m}</p> }.into_any())}
                        </div>
                    }
                }).collect_view()}
                <button type="button" class="btn btn-sm" id="add-tag"
                    disabled=move || { tag_count.get() >= MAX_TAGS }
                    on:click=move |_| {
                        draft.update(|d| d.tags.push((String::new(), String::new())));
                        focus_id(&format!("tags-{}-key", tag_count.get_untracked().saturating_sub(1)));
                    }>{tr!(wizard.add_tag)}</button>
            </div>
        </FormField>
        <label class="check" for="log_collection">
            <input type="checkbox" id="log_collection" prop:checked=move || draft.with(|d| d.log_collection)
                on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.log_collection = on); }/>
            {tr!(wizard.log_collection)}
        </label>
        <ReviewSummary wiz=wiz/>
    }
}

#[component]
fn ReviewSummary(wiz: Wiz) -> impl IntoView {
    let draft = wiz.draft;
    move || {
        draft.with(|d| {
            let nodes: i64 = d.sent_groups().iter().map(|&i| d.groups[i].node_num.trim().parse::<i64>().unwrap_or(0)).sum();
            let groups = d.sent_groups().len();
            view! {
                <section class="review" aria-labelledby="review-title">
                    <h3 id="review-title" class="section-title">{tr!(wizard.summary)}</h3>
                    <dl class="facts">
                        <dt>{tr!(clusters.col_name)}</dt><dd>{if d.cluster_name.is_empty() { "—".to_string() } else { d.cluster_name.clone() }}</dd>
                        <dt>{tr!(wizard.step_software)}</dt><dd>{format!("{} · {} · {}", d.cluster_version, super::type_name(&d.cluster_type), d.components.join(", "))}</dd>
                        <dt>{tr!(wizard.placement)}</dt><dd>{format!("{} / {} · {} / {}", d.region, d.availability_zone, d.vpc_name, d.subnet_name)}</dd>
                        <dt>{tr!(clusters.col_nodes)}</dt><dd>{t!(wizard.nodes_in_groups, nodes = nodes, groups = groups)}</dd>
                        <dt>{tr!(cluster.billing)}</dt><dd>{tr!(wizard.pay_per_use)}</dd>
                    </dl>
                </section>
            }
        })
    }

}
