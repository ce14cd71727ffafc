//! Demo data for `leadflow serve --demo`: a sales organisation of a mid-sized Chinese
//! B2B company — four regional teams, their managers, reps and a marketer — all with
//! the well-known demo password, so a visitor can sign in as anyone.

use leadflow_shared::Role;
use sea_orm::DatabaseConnection;

use super::{teams, users, Actor};
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
        for (name, handle) in team.reps {
            users::create_user(
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
        }
    }
    Ok(())
}
