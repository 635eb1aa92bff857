//! The shipped scenarios, embedded in the binary so the game works from any directory. The
//! campaign plays them in this order.

/// (id, file name, RON text), in campaign order (`campaign::CHAPTERS`, flattened).
pub const BUILTIN: &[(&str, &str, &str)] = &[
    ("tutorial", "tutorial.ron", include_str!("../../scenarios/tutorial.ron")),
    ("friday-deploy", "friday-deploy.ron", include_str!("../../scenarios/friday-deploy.ron")),
    ("bad-config-push", "bad-config-push.ron", include_str!("../../scenarios/bad-config-push.ron")),
    ("canary-skew", "canary-skew.ron", include_str!("../../scenarios/canary-skew.ron")),
    ("slow-database", "slow-database.ron", include_str!("../../scenarios/slow-database.ron")),
    ("n-plus-one", "n-plus-one.ron", include_str!("../../scenarios/n-plus-one.ron")),
    ("memory-leak", "memory-leak.ron", include_str!("../../scenarios/memory-leak.ron")),
    ("cold-cache", "cold-cache.ron", include_str!("../../scenarios/cold-cache.ron")),
    ("payments-outage", "payments-outage.ron", include_str!("../../scenarios/payments-outage.ron")),
    ("cert-expiry", "cert-expiry.ron", include_str!("../../scenarios/cert-expiry.ron")),
    ("retry-storm", "retry-storm.ron", include_str!("../../scenarios/retry-storm.ron")),
    ("traffic-spike", "traffic-spike.ron", include_str!("../../scenarios/traffic-spike.ron")),
    ("abusive-client", "abusive-client.ron", include_str!("../../scenarios/abusive-client.ron")),
    ("poison-request", "poison-request.ron", include_str!("../../scenarios/poison-request.ron")),
    ("queue-backlog", "queue-backlog.ron", include_str!("../../scenarios/queue-backlog.ron")),
    ("replica-failover", "replica-failover.ron", include_str!("../../scenarios/replica-failover.ron")),
    ("monitoring-blind", "monitoring-blind.ron", include_str!("../../scenarios/monitoring-blind.ron")),
    ("stakeholder-pressure", "stakeholder-pressure.ron", include_str!("../../scenarios/stakeholder-pressure.ron")),
    ("cloudflare-waf-2019", "cloudflare-waf-2019.ron", include_str!("../../scenarios/cloudflare-waf-2019.ron")),
    (
        "stackexchange-regex-2016",
        "stackexchange-regex-2016.ron",
        include_str!("../../scenarios/stackexchange-regex-2016.ron"),
    ),
    ("knight-smars-2012", "knight-smars-2012.ron", include_str!("../../scenarios/knight-smars-2012.ron")),
    (
        "s3-capacity-removal-2017",
        "s3-capacity-removal-2017.ron",
        include_str!("../../scenarios/s3-capacity-removal-2017.ron"),
    ),
    ("github-partition-2018", "github-partition-2018.ron", include_str!("../../scenarios/github-partition-2018.ron")),
];

pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|b| b.0)
}

/// A shipped scenario by id, validated. Shipped scenarios are tested to be valid.
pub fn builtin(id: &str) -> Option<Result<super::Spec, super::ScenarioErrors>> {
    BUILTIN.iter().find(|b| b.0 == id).map(|(_, file, text)| super::parse(&format!("scenarios/{file}"), text))
}
