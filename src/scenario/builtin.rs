//! The shipped scenarios, embedded in the binary so the game works from any directory. The
//! campaign plays them in this order.

/// (id, file name, RON text), in campaign order.
pub const BUILTIN: &[(&str, &str, &str)] = &[
    ("friday-deploy", "friday-deploy.ron", include_str!("../../scenarios/friday-deploy.ron")),
    ("slow-database", "slow-database.ron", include_str!("../../scenarios/slow-database.ron")),
    ("payments-outage", "payments-outage.ron", include_str!("../../scenarios/payments-outage.ron")),
    ("traffic-spike", "traffic-spike.ron", include_str!("../../scenarios/traffic-spike.ron")),
    ("abusive-client", "abusive-client.ron", include_str!("../../scenarios/abusive-client.ron")),
    ("memory-leak", "memory-leak.ron", include_str!("../../scenarios/memory-leak.ron")),
    ("n-plus-one", "n-plus-one.ron", include_str!("../../scenarios/n-plus-one.ron")),
    ("cold-cache", "cold-cache.ron", include_str!("../../scenarios/cold-cache.ron")),
    ("retry-storm", "retry-storm.ron", include_str!("../../scenarios/retry-storm.ron")),
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
