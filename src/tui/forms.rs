//! The action menu and its parameter forms: every engine command, those that act on the
//! selected component first, each with its delay and cost; a form gathers parameters
//! (replica count, flag, limit, version, …) with sensible defaults from the live system.

use super::game::Game;
use crate::sim::Component;
use crate::sim::kernel::time::parse_dur;
use crate::sim::model::spec::Target;
use crate::sim::{Audience, Command, CommandKind, Severity};

/// The titles of the two command menus (the tutorial tells them apart by these).
pub const ACTIONS_TITLE: &str = "Actions";
pub const CONSOLE_TITLE: &str = "Incident console";

/// The incident console (running the incident rather than the system), in its order.
pub const INCIDENT_CONSOLE: [CommandKind; 6] = [
    CommandKind::Declare,
    CommandKind::ChangeSeverity,
    CommandKind::StatusUpdate,
    CommandKind::Ack,
    CommandKind::Page,
    CommandKind::Resolve,
];

/// The console's commands this scenario offers (declaring until declared, then changing the
/// severity).
pub fn console(game: &Game) -> Vec<CommandKind> {
    let declared = game.sim.incident().declared.is_some();
    INCIDENT_CONSOLE
        .into_iter()
        .filter(|k| offered(*k, game))
        .filter(|k| match k {
            CommandKind::Declare => !declared,
            CommandKind::ChangeSeverity => declared,
            _ => true,
        })
        .collect()
}

/// Whether the scenario has what a kind acts on (a flag, a cache, a database, a team, …).
fn offered(k: CommandKind, game: &Game) -> bool {
    use CommandKind as K;
    let sim = &game.spec.sim;
    match k {
        K::SetFlag => !sim.flags.is_empty(),
        K::FlushCache | K::WarmCache => !sim.caches.is_empty(),
        K::Failover => sim.database.is_some(),
        K::Restore => sim.database.as_ref().is_some_and(|d| d.replication.restore.is_some()),
        K::SetPoolSize => sim.services.iter().any(|s| s.pool.is_some()),
        K::Page => !sim.teams.is_empty(),
        K::Hint => !sim.hints.is_empty(),
        // The facilitator's console runs the exercise; a player's menus never offer it.
        K::Fire | K::Reveal | K::Tip => false,
        _ => true,
    }
}

/// Kinds worth offering for the selected component, most relevant first; then the incident
/// console's and a hint; then the rest.
pub fn menu(game: &Game) -> Vec<CommandKind> {
    use CommandKind as K;
    let first: &[K] = match game.selected_component() {
        Component::Edge => &[K::SetRateLimit, K::SetShed, K::BlockClient, K::RenewCert],
        Component::Service(_) => &[
            K::Rollback,
            K::Deploy,
            K::Scale,
            K::Restart,
            K::Drain,
            K::PauseRollout,
            K::ResumeRollout,
            K::RevertConfig,
            K::SetPoolSize,
            K::SetDeadlines,
            K::SetHealthCheck,
        ],
        Component::Dep { .. } => &[K::SetBreaker, K::SetRetries, K::SetTimeout, K::RevertConfig],
        Component::Database => &[K::Failover, K::Restore, K::SetPoolSize, K::Page],
        Component::Cache(_) => &[K::FlushCache, K::WarmCache],
        Component::ThirdParty(_) => &[K::SetBreaker, K::SetRetries, K::SetTimeout, K::RenewCert],
        // A queue's levers are its consumer service's.
        Component::Queue(_) => &[K::Scale, K::Restart, K::Rollback, K::Deploy],
    };
    let incident = K::ALL.iter().filter(|k| INCIDENT_CONSOLE.contains(k) || **k == K::Hint);
    let mut out: Vec<K> = first.to_vec();
    for k in incident.chain(K::ALL.iter()) {
        if !out.contains(k) {
            out.push(*k);
        }
    }
    out.retain(|k| offered(*k, game));
    out
}

#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    Choice { label: &'static str, options: Vec<String>, idx: usize },
    Number { label: &'static str, text: String },
    Text { label: &'static str, text: String },
}

impl Field {
    pub fn label(&self) -> &'static str {
        match self {
            Field::Choice { label, .. } | Field::Number { label, .. } | Field::Text { label, .. } => label,
        }
    }
    /// The value as typed or chosen.
    pub fn value(&self) -> String {
        match self {
            Field::Choice { options, idx, .. } => options.get(*idx).cloned().unwrap_or_default(),
            Field::Number { text, .. } | Field::Text { text, .. } => text.clone(),
        }
    }
    pub fn takes_text(&self) -> bool {
        !matches!(self, Field::Choice { .. })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub kind: CommandKind,
    pub fields: Vec<Field>,
    pub cursor: usize,
    pub error: Option<String>,
}

fn choice(label: &'static str, options: Vec<String>, default: &str) -> Field {
    let idx = options.iter().position(|o| o == default).unwrap_or(0);
    Field::Choice { label, options, idx }
}

fn names<T>(items: &[T], name: impl Fn(&T) -> String) -> Vec<String> {
    items.iter().map(name).collect()
}

/// A form for `kind` with defaults taken from the selected component and the live system.
pub fn form(kind: CommandKind, game: &Game) -> Form {
    use CommandKind as K;
    let sim = &game.spec.sim;
    let s = game.selected_service();
    let svc_name = sim.services[s].name.clone();
    let services = names(&sim.services, |x| x.name.clone());
    let service = || choice("service", services.clone(), &svc_name);
    let deps_of = |s: usize| names(&sim.services[s].deps, |d| sim.target_name(d.target).to_string());
    let selected_dep = match game.selected_component() {
        Component::Dep { service, dep } => sim.target_name(sim.services[service].deps[dep].target).to_string(),
        Component::ThirdParty(t) => sim.third_parties[t].name.clone(),
        _ => String::new(),
    };
    let dep_service = match game.selected_component() {
        Component::ThirdParty(t) => (0..sim.services.len())
            .find(|&x| sim.services[x].deps.iter().any(|d| d.target == Target::ThirdParty(t)))
            .unwrap_or(s),
        _ => s,
    };
    let dep_fields = || {
        vec![
            choice("service", services.clone(), &sim.services[dep_service].name),
            choice("dependency", deps_of(dep_service), &selected_dep),
        ]
    };
    let on_off = |label, on: bool| choice(label, vec!["on".into(), "off".into()], if on { "on" } else { "off" });
    let fields = match kind {
        K::Ack => {
            let firing: Vec<String> = game.sim.alert_views().into_iter().filter(|a| a.firing).map(|a| a.name).collect();
            let all = if firing.is_empty() { names(&sim.alerts, |a| a.name.clone()) } else { firing };
            vec![choice("alert", all, "")]
        }
        K::Declare | K::ChangeSeverity => {
            let now = game.sim.incident().declared.map_or("Sev2", |(_, s)| s.name());
            vec![choice("severity", Severity::ALL.iter().map(|s| s.name().to_string()).collect(), now)]
        }
        K::StatusUpdate => vec![
            choice("audience", vec!["Internal".into(), "Executives".into(), "Customers".into()], "Internal"),
            Field::Text { label: "impact", text: String::new() },
            choice("next update in", vec!["10m".into(), "15m".into(), "30m".into(), "1h".into()], "30m"),
            // Once the service is stable the next update is likely the last one.
            choice(
                "this update is",
                vec!["an update".into(), "the all-clear".into()],
                if game.sim.phase().stable_since.is_some() { "the all-clear" } else { "an update" },
            ),
        ],
        K::Rollback | K::PauseRollout | K::ResumeRollout | K::RevertConfig => vec![service()],
        K::Deploy => vec![
            service(),
            choice("version", names(&sim.versions, |v| v.name.clone()), &game.sim.service_config(s).version),
        ],
        K::Scale => {
            let n = game.sim.service_config(s).desired;
            vec![service(), Field::Number { label: "instances", text: (n + 1).to_string() }]
        }
        K::Restart | K::Drain => {
            let mut opts: Vec<String> = game.sim.instances(s).iter().map(|i| i.num.to_string()).collect();
            if kind == K::Restart {
                opts.insert(0, "all, one at a time".into());
                opts.insert(1, "all at once".into());
            }
            vec![service(), choice("instance", opts, "")]
        }
        K::SetFlag => {
            let flags = names(&sim.flags, |f| f.name.clone());
            let on = sim.flags.first().is_some_and(|_| game.sim.flag_on(0));
            vec![choice("flag", flags, ""), on_off("set to", !on)]
        }
        K::SetRateLimit => vec![Field::Number { label: "rps (empty = no limit)", text: String::new() }],
        K::SetShed => {
            vec![choice("shed", vec!["0%".into(), "10%".into(), "25%".into(), "50%".into(), "75%".into()], "10%")]
        }
        K::BlockClient => vec![choice("client", game.sim.edge_view().2, "")],
        K::SetBreaker => {
            let mut f = dep_fields();
            f.push(on_off("breaker", true));
            f
        }
        K::SetRetries => {
            let mut f = dep_fields();
            f.push(Field::Number { label: "max tries (1 = no retries)", text: "1".into() });
            f.push(choice("retry budget", vec!["unchanged".into(), "on".into(), "off".into()], "unchanged"));
            f
        }
        K::SetTimeout => {
            let mut f = dep_fields();
            f.push(Field::Text { label: "timeout", text: "1s".into() });
            f
        }
        K::SetPoolSize => {
            let size = game.sim.service_config(s).pool_size.unwrap_or(10);
            vec![service(), Field::Number { label: "pool size", text: size.to_string() }]
        }
        K::SetDeadlines => vec![service(), on_off("deadline propagation", !game.sim.service_config(s).deadlines)],
        K::SetHealthCheck => {
            let spec = &sim.services[s];
            let mut targets = vec!["unchanged".to_string()];
            targets.extend(spec.endpoints[..=spec.health_endpoint].iter().map(|e| e.name.clone()));
            vec![
                service(),
                choice("check requests", targets, "unchanged"),
                choice("lane", vec!["unchanged".into(), "shared".into(), "own lane".into()], "unchanged"),
                Field::Text { label: "interval (empty = unchanged)", text: String::new() },
                on_off("check", true),
            ]
        }
        K::FlushCache | K::WarmCache => {
            let sel = match game.selected_component() {
                Component::Cache(i) => sim.caches[i].name.clone(),
                _ => String::new(),
            };
            vec![choice("cache", names(&sim.caches, |c| c.name.clone()), &sel)]
        }
        K::RenewCert => {
            let mut targets = vec!["edge".to_string()];
            targets.extend(sim.third_parties.iter().map(|t| t.name.clone()));
            vec![choice("certificate of", targets, &selected_dep)]
        }
        K::Page => vec![choice("team", names(&sim.teams, |t| t.name.clone()), "")],
        K::Resolve | K::Failover | K::Restore | K::Hint => vec![],
        K::Fire => vec![Field::Text { label: "contingency", text: String::new() }],
        K::Reveal => vec![Field::Text { label: "clue", text: String::new() }],
        K::Tip => {
            vec![Field::Text { label: "seat", text: String::new() }, Field::Text { label: "tip", text: String::new() }]
        }
    };
    Form { kind, fields, cursor: 0, error: None }
}

fn severity(name: &str) -> Severity {
    Severity::ALL.into_iter().find(|s| s.name() == name).unwrap_or(Severity::Sev4)
}

fn number<T: std::str::FromStr>(f: &Field, what: &str) -> Result<T, String> {
    f.value().trim().parse().map_err(|_| format!("{what} must be a whole number"))
}

/// The command the form describes, or what is wrong with it.
pub fn command(form: &Form) -> Result<Command, String> {
    use CommandKind as K;
    let v = |i: usize| form.fields.get(i).map(Field::value).unwrap_or_default();
    let on = |i: usize| v(i) == "on";
    Ok(match form.kind {
        K::Ack => Command::Ack { alert: v(0) },
        K::Declare => Command::Declare { severity: severity(&v(0)) },
        K::StatusUpdate => Command::StatusUpdate {
            audience: match v(0).as_str() {
                "Executives" => Audience::Executives,
                "Customers" => Audience::Customers,
                _ => Audience::Internal,
            },
            impact: v(1).trim().to_string(),
            next_update: if v(3) == "the all-clear" {
                crate::sim::Dur::ZERO
            } else {
                parse_dur(&v(2)).map_err(|e| e.to_string())?
            },
            all_clear: v(3) == "the all-clear",
        },
        K::ChangeSeverity => Command::ChangeSeverity { severity: severity(&v(0)) },
        K::Resolve => Command::Resolve,
        K::Rollback => Command::Rollback { service: v(0) },
        K::PauseRollout => Command::PauseRollout { service: v(0) },
        K::ResumeRollout => Command::ResumeRollout { service: v(0) },
        K::RevertConfig => Command::RevertConfig { service: v(0) },
        K::Deploy => Command::Deploy { service: v(0), version: v(1) },
        K::Scale => Command::Scale { service: v(0), instances: number(&form.fields[1], "instances")? },
        K::Restart => match v(1).as_str() {
            "all, one at a time" => Command::Restart { service: v(0), instance: None, all_at_once: false },
            "all at once" => Command::Restart { service: v(0), instance: None, all_at_once: true },
            n => Command::Restart {
                service: v(0),
                instance: Some(n.parse().map_err(|_| "choose an instance")?),
                all_at_once: false,
            },
        },
        K::Drain => Command::Drain { service: v(0), instance: v(1).parse().map_err(|_| "choose an instance")? },
        K::SetFlag => Command::SetFlag { flag: v(0), on: on(1) },
        K::SetRateLimit => {
            let text = v(0);
            let rps = if text.trim().is_empty() {
                None
            } else {
                Some(text.trim().parse::<f64>().map_err(|_| "rps must be a number, or empty for no limit")?)
            };
            Command::SetRateLimit { rps, burst: None }
        }
        K::SetShed => Command::SetShed { fraction: v(0).trim_end_matches('%').parse::<f64>().unwrap_or(0.0) / 100.0 },
        K::BlockClient => Command::BlockClient { client: v(0) },
        K::SetBreaker => Command::SetBreaker { service: v(0), dependency: v(1), enabled: on(2) },
        K::SetRetries => Command::SetRetries {
            service: v(0),
            dependency: v(1),
            max_attempts: number(&form.fields[2], "max tries")?,
            budget: match v(3).as_str() {
                "on" => Some(true),
                "off" => Some(false),
                _ => None,
            },
            backoff: None,
        },
        K::SetTimeout => Command::SetTimeout {
            service: v(0),
            dependency: v(1),
            timeout: parse_dur(&v(2)).map_err(|e| e.to_string())?,
        },
        K::SetPoolSize => Command::SetPoolSize { service: v(0), size: number(&form.fields[1], "pool size")? },
        K::SetDeadlines => Command::SetDeadlines { service: v(0), on: on(1) },
        K::SetHealthCheck => Command::SetHealthCheck {
            service: v(0),
            endpoint: Some(v(1)).filter(|e| e != "unchanged"),
            lane: match v(2).as_str() {
                "shared" => Some(crate::sim::model::spec::Lane::Shared),
                "own lane" => Some(crate::sim::model::spec::Lane::Separate),
                _ => None,
            },
            interval: match v(3).trim() {
                "" => None,
                t => Some(parse_dur(t).map_err(|e| e.to_string())?),
            },
            timeout: None,
            unhealthy_after: None,
            healthy_after: None,
            enabled: Some(on(4)),
        },
        K::FlushCache => Command::FlushCache { cache: v(0) },
        K::WarmCache => Command::WarmCache { cache: v(0) },
        K::Failover => Command::Failover,
        K::Restore => Command::Restore,
        K::RenewCert => Command::RenewCert { target: v(0) },
        K::Page => Command::Page { team: v(0) },
        K::Hint => Command::Hint,
        K::Fire => Command::Fire { entry: v(0).trim().to_string() },
        K::Reveal => Command::Reveal { text: v(0).trim().to_string() },
        K::Tip => Command::Tip { seat: v(0).trim().to_string(), text: v(1).trim().to_string() },
    })
}
