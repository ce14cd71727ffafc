//! Demo data for `leadflow serve --demo`: a sales organisation of a mid-sized Chinese
//! B2B company — four regional teams, their managers, reps and a marketer, all with
//! the well-known demo password so a visitor can sign in as anyone — plus campaigns
//! and a few hundred leads spread over the last quarter. Seeded: every run loads the
//! same data.

use chrono::{Duration, Utc};
use leadflow_shared::normalize::{company_key, Email};
use leadflow_shared::{Channel, LeadStage, Role};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use uuid::Uuid;

use super::{teams, users, Actor};
use crate::entity::{campaign, lead, StringList};
use crate::events::EventBus;

pub const DEMO_ADMIN_EMAIL: &str = "admin@leadflow.local";
pub const DEMO_PASSWORD: &str = "leadflow-demo";

struct DemoTeam {
    name: &'static str,
    manager: (&'static str, &'static str),
    regions: &'static [&'static str],
    reps: &'static [(&'static str, &'static str)],
}

const TEAMS: &[DemoTeam] = &[
    DemoTeam {
        name: "华东大区",
        manager: ("周敏", "zhou.min"),
        regions: &["上海", "江苏", "浙江"],
        reps: &[
            ("王伟", "wang.wei"),
            ("李娜", "li.na"),
            ("张磊", "zhang.lei"),
            ("陈静", "chen.jing"),
            ("刘洋", "liu.yang"),
        ],
    },
    DemoTeam {
        name: "华南大区",
        manager: ("黄志强", "huang.zhiqiang"),
        regions: &["广东", "福建", "广西"],
        reps: &[
            ("杨帆", "yang.fan"),
            ("赵丽", "zhao.li"),
            ("吴昊", "wu.hao"),
            ("徐婷", "xu.ting"),
            ("孙浩", "sun.hao"),
        ],
    },
    DemoTeam {
        name: "华北大区",
        manager: ("马建国", "ma.jianguo"),
        regions: &["北京", "天津", "河北", "山东"],
        reps: &[
            ("朱琳", "zhu.lin"),
            ("胡斌", "hu.bin"),
            ("郭敏", "guo.min"),
            ("何军", "he.jun"),
            ("高雪", "gao.xue"),
        ],
    },
    DemoTeam {
        name: "Key Accounts",
        manager: ("Emily Chen", "emily.chen"),
        regions: &["香港", "Singapore"],
        reps: &[
            ("David Lin", "david.lin"),
            ("Grace Wong", "grace.wong"),
            ("林晓峰", "lin.xiaofeng"),
            ("Kevin Zhang", "kevin.zhang"),
            ("Sophia Liu", "sophia.liu"),
        ],
    },
];

const INDUSTRIES: &[&[&str]] = &[
    &["制造业", "汽车"],
    &["软件", "互联网"],
    &["零售", "快消"],
    &["金融", "医疗"],
];

fn email(handle: &str) -> String {
    format!("{handle}@leadflow.local")
}

/// Loads the demo organisation into an empty database. Returns the admin's email.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    let events = EventBus::default();
    let admin = users::create_admin(db, DEMO_ADMIN_EMAIL, Some(DEMO_PASSWORD)).await?;
    let actor = Actor::user(admin.id);
    let new_user =
        |name: &str, handle: &str, role: Role, team_id, regions: &[&str], industries: &[&str]| {
            users::NewUser {
                email: email(handle),
                name: name.to_string(),
                password: DEMO_PASSWORD.to_string(),
                role,
                team_id,
                regions: regions.iter().map(|s| s.to_string()).collect(),
                industries: industries.iter().map(|s| s.to_string()).collect(),
                capacity: Some(if role == Role::Rep { 150 } else { 0 }),
            }
        };
    users::create_user(
        db,
        &events,
        actor,
        new_user("市场部 林芳", "lin.fang", Role::Marketer, None, &[], &[]),
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo marketer: {e}"))?;
    let mut territories: Vec<(&[&str], Vec<Uuid>)> = Vec::new();
    let mut team_ids: Vec<(&DemoTeam, Uuid)> = Vec::new();
    for (team, industries) in TEAMS.iter().zip(INDUSTRIES) {
        let manager = users::create_user(
            db,
            &events,
            actor,
            new_user(
                team.manager.0,
                team.manager.1,
                Role::Manager,
                None,
                team.regions,
                industries,
            ),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo manager {}: {e}", team.manager.0))?;
        let created = teams::create(db, actor, team.name, Some(manager.id))
            .await
            .map_err(|e| anyhow::anyhow!("demo team {}: {e}", team.name))?;
        users::update_user(
            db,
            &events,
            actor,
            manager.id,
            users::UserPatch {
                team_id: Some(Some(created.id)),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo manager's team: {e}"))?;
        let mut rep_ids = Vec::new();
        for (name, handle) in team.reps {
            let rep = users::create_user(
                db,
                &events,
                actor,
                new_user(
                    name,
                    handle,
                    Role::Rep,
                    Some(created.id),
                    team.regions,
                    industries,
                ),
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo rep {name}: {e}"))?;
            rep_ids.push(rep.id);
        }
        territories.push((team.regions, rep_ids));
        team_ids.push((team, created.id));
    }
    routing_and_sla(db, actor, &team_ids).await?;
    load_leads(db, &territories).await
}

/// Each region's leads go round the team that covers it; the rest wait in the pool.
/// New leads must be contacted within 30 business minutes (Mon–Fri 09:00–18:00, China
/// time): a reminder then, the manager at an hour, back to the pool at two.
async fn routing_and_sla(
    db: &DatabaseConnection,
    actor: Actor,
    teams: &[(&DemoTeam, Uuid)],
) -> anyhow::Result<()> {
    use leadflow_shared::routing::{
        RouteCondition, RoutingRule, RoutingRules, Strategy, Weekday, WorkingHours, WorkingPeriod,
    };
    use leadflow_shared::scoring::Condition;
    let rules = RoutingRules {
        rules: teams
            .iter()
            .enumerate()
            .map(|(i, (team, id))| RoutingRule {
                id: format!("region-{}", i + 1),
                label: format!("{} 轮询", team.name),
                enabled: true,
                conditions: vec![RouteCondition {
                    field: "province".to_string(),
                    condition: Condition::In {
                        values: team.regions.iter().map(|r| r.to_string()).collect(),
                    },
                }],
                working_hours: None,
                strategy: Strategy::RoundRobin {
                    team_id: id.to_string(),
                    weights: Default::default(),
                },
            })
            .collect(),
        fallback: Strategy::Pool,
    };
    let rules = serde_json::to_value(rules)?;
    super::routing::save(
        db,
        actor,
        rules,
        leadflow_shared::RoutingTrigger::OnCapture,
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo routing rules: {e}"))?;
    let policy = leadflow_shared::sla::SlaPolicy {
        name: "新线索 30 分钟内首次联系".to_string(),
        working_hours: WorkingHours {
            utc_offset_minutes: 480,
            periods: vec![WorkingPeriod {
                days: Weekday::ALL[..5].to_vec(),
                from: "09:00".to_string(),
                to: "18:00".to_string(),
            }],
        },
        remind_after_minutes: 30,
        escalate_after_minutes: 60,
        recycle_after_minutes: 120,
        recycle_action: leadflow_shared::sla::RecycleAction::Pool,
        inactivity_days: Some(30),
    };
    super::sla::save_policy(
        db,
        actor,
        super::sla::PolicyInput {
            id: None,
            team_id: None,
            policy,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo SLA policy: {e}"))?;
    Ok(())
}

const SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("胡", "hu"),
    ("朱", "zhu"),
    ("高", "gao"),
    ("林", "lin"),
    ("何", "he"),
    ("郭", "guo"),
    ("马", "ma"),
    ("罗", "luo"),
];
const GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("洋", "yang"),
    ("艳", "yan"),
    ("勇", "yong"),
    ("军", "jun"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("建华", "jianhua"),
    ("志强", "zhiqiang"),
    ("晓东", "xiaodong"),
];
const COMPANY_CORES: &[(&str, &str)] = &[
    ("华信", "huaxin"),
    ("恒通", "hengtong"),
    ("博远", "boyuan"),
    ("天润", "tianrun"),
    ("中科", "zhongke"),
    ("瑞丰", "ruifeng"),
    ("金桥", "jinqiao"),
    ("海纳", "haina"),
    ("众诚", "zhongcheng"),
    ("鼎盛", "dingsheng"),
    ("立讯", "lixun"),
    ("远景", "yuanjing"),
    ("星河", "xinghe"),
    ("宏达", "hongda"),
    ("新元", "xinyuan"),
];
const COMPANY_KINDS: &[(&str, &str)] = &[
    ("智能制造", "制造业"),
    ("汽车零部件", "汽车"),
    ("软件", "软件"),
    ("网络科技", "互联网"),
    ("商贸", "零售"),
    ("食品", "快消"),
    ("融资租赁", "金融"),
    ("医疗器械", "医疗"),
    ("物流", "物流"),
    ("新能源", "能源"),
];
const COMPANY_SUFFIXES: &[&str] = &["有限公司", "股份有限公司", "科技有限公司", "集团有限公司"];
const TITLES: &[&str] = &[
    "总经理",
    "采购经理",
    "IT总监",
    "信息中心主任",
    "销售总监",
    "运营经理",
    "CTO",
    "财务总监",
    "生产部经理",
    "工程师",
    "市场部经理",
    "副总裁",
];
/// Provinces and a main city, weighted roughly like a Chinese B2B market.
const PLACES: &[(&str, &str, u32)] = &[
    ("广东", "深圳", 16),
    ("上海", "上海", 14),
    ("江苏", "苏州", 12),
    ("浙江", "杭州", 11),
    ("北京", "北京", 11),
    ("山东", "青岛", 7),
    ("福建", "厦门", 5),
    ("天津", "天津", 4),
    ("河北", "石家庄", 3),
    ("四川", "成都", 6),
    ("湖北", "武汉", 5),
    ("广西", "南宁", 2),
    ("香港", "香港", 2),
];
const SIZES: &[i32] = &[15, 40, 80, 150, 300, 600, 1200, 3000, 8000];
const TAGS: &[&str] = &[
    "展会",
    "白皮书",
    "老客户推荐",
    "预算已批",
    "竞品在用",
    "决策人",
];

struct DemoCampaign {
    name: &'static str,
    channel: Channel,
    cost_yuan: i64,
}

const CAMPAIGNS: &[DemoCampaign] = &[
    DemoCampaign {
        name: "2026 上海国际工业博览会",
        channel: Channel::Event,
        cost_yuan: 180_000,
    },
    DemoCampaign {
        name: "百度搜索推广 Q4",
        channel: Channel::PaidAds,
        cost_yuan: 96_000,
    },
    DemoCampaign {
        name: "数字化转型白皮书下载",
        channel: Channel::WebForm,
        cost_yuan: 25_000,
    },
    DemoCampaign {
        name: "微信公众号内容营销",
        channel: Channel::Organic,
        cost_yuan: 12_000,
    },
];

/// How many demo leads to load.
pub const DEMO_LEADS: usize = 360;

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn weighted_place(rng: &mut StdRng) -> (&'static str, &'static str) {
    let total: u32 = PLACES.iter().map(|p| p.2).sum();
    let mut roll = rng.gen_range(0..total);
    for (province, city, weight) in PLACES {
        if roll < *weight {
            return (province, city);
        }
        roll -= weight;
    }
    (PLACES[0].0, PLACES[0].1)
}

/// A Chinese mobile number as people write it, and its E.164 form.
fn mobile(rng: &mut StdRng) -> (String, String) {
    let prefix = pick(
        rng,
        &[
            "138", "139", "136", "150", "186", "188", "177", "199", "135", "158",
        ],
    );
    let rest: u32 = rng.gen_range(0..100_000_000);
    let digits = format!("{prefix}{rest:08}");
    let shown = match rng.gen_range(0..3) {
        0 => format!("{} {} {}", &digits[..3], &digits[3..7], &digits[7..]),
        1 => format!("+86 {digits}"),
        _ => digits.clone(),
    };
    (shown, format!("+86{digits}"))
}

async fn load_leads(
    db: &DatabaseConnection,
    territories: &[(&[&str], Vec<Uuid>)],
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(20_261_122);
    let now = Utc::now();
    let txn = super::begin_write(db).await?;
    let mut campaign_ids = Vec::new();
    for c in CAMPAIGNS {
        let created = campaign::ActiveModel {
            id: Set(Uuid::now_v7()),
            name: Set(c.name.to_string()),
            channel: Set(c.channel.as_str().to_string()),
            cost_cents: Set(c.cost_yuan * 100),
            currency: Set("CNY".into()),
            starts_on: Set(Some((now - Duration::days(100)).date_naive())),
            ends_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        campaign_ids.push((created.id, c.channel));
    }

    let mut rows = Vec::with_capacity(DEMO_LEADS);
    for n in 0..DEMO_LEADS {
        let (surname, surname_py) = *pick(&mut rng, SURNAMES);
        let (given, given_py) = *pick(&mut rng, GIVEN);
        let (core, core_py) = *pick(&mut rng, COMPANY_CORES);
        let (kind, industry) = *pick(&mut rng, COMPANY_KINDS);
        let (province, city) = weighted_place(&mut rng);
        let company = format!("{city}{core}{kind}{}", pick(&mut rng, COMPANY_SUFFIXES));
        let email = format!(
            "{surname_py}.{given_py}{}@{core_py}-{}.com.cn",
            n % 97,
            n % 13
        );
        let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("demo email: {e}"))?;
        let (phone, phone_e164) = mobile(&mut rng);

        let (campaign_id, source) = if rng.gen_bool(0.7) {
            let (id, channel) = *pick(&mut rng, &campaign_ids);
            (Some(id), channel)
        } else {
            let channels = [
                Channel::Referral,
                Channel::Inbound,
                Channel::Outbound,
                Channel::Api,
                Channel::Import,
            ];
            (None, *pick(&mut rng, &channels))
        };
        let stage = match rng.gen_range(0..100) {
            0..=44 => LeadStage::Lead,
            45..=64 => LeadStage::Mql,
            65..=76 => LeadStage::Sql,
            77..=84 => LeadStage::Opportunity,
            85..=90 => LeadStage::Customer,
            91..=97 => LeadStage::Lost,
            _ => LeadStage::Recycled,
        };
        // Leads in a team's territory go to one of its reps; a share waits in the pool.
        let in_pool = stage == LeadStage::Recycled || rng.gen_bool(0.15);
        let owner = territories
            .iter()
            .find(|(regions, _)| regions.contains(&province))
            .filter(|_| !in_pool)
            .map(|(_, reps)| *pick(&mut rng, reps));
        let created_at = now - Duration::minutes(rng.gen_range(10..90 * 24 * 60));
        let first_assigned_at = owner.map(|_| created_at + Duration::seconds(rng.gen_range(2..40)));
        let contacted = stage != LeadStage::Lead || rng.gen_bool(0.4);
        let first_contacted_at = first_assigned_at
            .filter(|_| contacted)
            .map(|t| t + Duration::minutes(rng.gen_range(3..600)));
        let fit = rng.gen_range(0..=50);
        let engagement = match stage {
            LeadStage::Lead => rng.gen_range(0..30),
            LeadStage::Lost | LeadStage::Recycled => rng.gen_range(0..20),
            _ => rng.gen_range(25..60),
        };
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..rng.gen_range(0..3) {
            let tag = pick(&mut rng, TAGS).to_string();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let lost_reason = (stage == LeadStage::Lost).then(|| {
            pick(
                &mut rng,
                &leadflow_shared::lifecycle::default_lost_reasons(),
            )
            .clone()
        });
        // The funnel steps this lead passed, spread between capture and its last change.
        let last_step = match stage {
            LeadStage::Mql => 1,
            LeadStage::Sql => 2,
            LeadStage::Opportunity => 3,
            LeadStage::Customer => 4,
            _ => 0,
        };
        let span = first_contacted_at.unwrap_or(created_at) - created_at;
        let reached =
            |step: i32| (step <= last_step).then(|| created_at + span * step / last_step.max(1));
        rows.push(lead::ActiveModel {
            id: Set(Uuid::now_v7()),
            person_name: Set(format!("{surname}{given}")),
            title: Set(Some(pick(&mut rng, TITLES).to_string())),
            company_key: Set(Some(company_key(&company))),
            company: Set(Some(company)),
            email: Set(Some(email.to_string())),
            email_normalized: Set(Some(email.into_inner())),
            phone: Set(Some(phone)),
            phone_e164: Set(Some(phone_e164)),
            industry: Set(Some(industry.to_string())),
            province: Set(Some(province.to_string())),
            city: Set(Some(city.to_string())),
            company_size: Set(Some(*pick(&mut rng, SIZES))),
            source: Set(source.as_str().to_string()),
            campaign_id: Set(campaign_id),
            tags: Set(StringList(tags)),
            custom_fields: Set(serde_json::json!({})),
            stage: Set(stage.as_str().to_string()),
            owner_id: Set(owner),
            fit_score: Set(fit),
            engagement_score: Set(engagement),
            total_score: Set(fit + engagement),
            bant: Set(None),
            lost_reason: Set(lost_reason),
            first_assigned_at: Set(first_assigned_at),
            first_contacted_at: Set(first_contacted_at),
            merged_into: Set(None),
            version: Set(1),
            created_at: Set(created_at),
            updated_at: Set(first_contacted_at.unwrap_or(created_at)),
            last_activity_at: Set(first_contacted_at.unwrap_or(created_at)),
            win_probability: Set(None),
            win_factors: Set(None),
            mql_at: Set(reached(1)),
            sql_at: Set(reached(2)),
            opportunity_at: Set(reached(3)),
            won_at: Set(reached(4)),
            won_amount_minor: Set(None),
        });
    }
    for chunk in rows.chunks(100) {
        lead::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    txn.commit().await?;
    load_deals(db, &mut rng).await
}

/// A deal for every lead that reached the pipeline: open ones spread over the open
/// stages and closing in the next three months, won ones for customers, lost ones
/// (with their reason) for a share of the lost leads.
async fn load_deals(db: &DatabaseConnection, rng: &mut StdRng) -> anyhow::Result<()> {
    use leadflow_shared::pipeline::StageKind;
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    super::pipeline::ensure_default(db)
        .await
        .map_err(|e| anyhow::anyhow!("demo pipeline: {e}"))?;
    let pipe = super::pipeline::find_pipeline(db, None)
        .await
        .map_err(|e| anyhow::anyhow!("demo pipeline: {e}"))?;
    let of_kind = |k: StageKind| -> Vec<&crate::entity::pipeline_stage::Model> {
        pipe.stages
            .iter()
            .filter(|s| super::pipeline::kind_of(s) == k)
            .collect()
    };
    let (open, won, lost) = (
        of_kind(StageKind::Open),
        of_kind(StageKind::Won),
        of_kind(StageKind::Lost),
    );
    let leads = lead::Entity::find()
        .filter(lead::Column::Stage.is_in([
            LeadStage::Opportunity.as_str(),
            LeadStage::Customer.as_str(),
            LeadStage::Lost.as_str(),
        ]))
        .order_by_asc(lead::Column::CreatedAt)
        .all(db)
        .await?;
    let now = Utc::now();
    let txn = super::begin_write(db).await?;
    for l in leads {
        let stage = LeadStage::parse(&l.stage).unwrap_or(LeadStage::Lead);
        let (stage_row, closed) = match stage {
            LeadStage::Opportunity => (*pick(rng, &open), false),
            LeadStage::Customer => (won[0], true),
            _ if rng.gen_bool(0.4) => (lost[0], true),
            _ => continue,
        };
        // ¥20,000 to ¥2,000,000 in round thousands.
        let amount_minor = i64::from(rng.gen_range(20..2_000)) * 1_000 * 100;
        let expected = if closed {
            l.updated_at.date_naive()
        } else {
            (now + Duration::days(rng.gen_range(5..90))).date_naive()
        };
        crate::entity::opportunity::ActiveModel {
            id: Set(Uuid::now_v7()),
            lead_id: Set(l.id),
            pipeline_id: Set(pipe.pipeline.id),
            stage_id: Set(stage_row.id),
            name: Set(format!(
                "{} {}",
                l.company.clone().unwrap_or_else(|| l.person_name.clone()),
                pick(rng, &["CRM 项目", "年度采购", "系统升级", "试点合作"])
            )),
            amount_minor: Set(amount_minor),
            currency: Set("CNY".to_string()),
            expected_close_on: Set(Some(expected)),
            owner_id: Set(l.owner_id),
            lost_reason: Set(l.lost_reason.clone().filter(|_| stage == LeadStage::Lost)),
            version: Set(1),
            created_at: Set(l.updated_at),
            updated_at: Set(l.updated_at),
            closed_at: Set(closed.then_some(l.updated_at)),
        }
        .insert(&txn)
        .await?;
        if stage == LeadStage::Customer {
            lead::Entity::update_many()
                .col_expr(
                    lead::Column::WonAmountMinor,
                    sea_orm::sea_query::Expr::value(amount_minor),
                )
                .filter(lead::Column::Id.eq(l.id))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
