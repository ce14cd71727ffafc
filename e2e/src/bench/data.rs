//! The benchmark's dataset: realistic leads of a Chinese B2B market, made from a seed.
//!
//! Row `i` is a pure function of `(seed, i)` ([`Rng::for_item`]), so any slice of a dataset
//! can be made on its own and in any order, and the same seed gives the same rows on every
//! machine. What the rows look like:
//!
//! - people: mostly Chinese names (surnames weighted like the population), some English;
//! - companies: a two-character brand, a city and a line of business with a real legal suffix
//!   (有限公司, 股份有限公司, 集团有限公司; Co., Ltd., Inc., Ltd.);
//! - provinces and cities weighted like a Chinese B2B market (Guangdong, the Yangtze delta and
//!   Beijing first), industries, company sizes, sources and campaigns with skewed shares;
//! - duplicates at [`DUPLICATE_RATE`]: an earlier person again, with the phone typed in
//!   another format or the email in another case;
//! - behaviour events with power-law activity (most leads a few, some hundreds).

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::rng::Rng;

/// Share of rows that repeat an earlier lead (phone in another format, email in another case).
pub const DUPLICATE_RATE: f64 = 0.04;
/// Mean behaviour events per lead the power law is tuned for (5M events for 1M leads).
pub const EVENTS_PER_LEAD: f64 = 5.0;

const STREAM_LEADS: u64 = 1;
const STREAM_EVENTS: u64 = 2;

/// The moment the dataset is "now": leads arrive over the year before it.
pub fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}
const HISTORY_DAYS: i64 = 365;

/// One generated lead, before it meets a database: owners and campaigns are slots the loader
/// maps onto the reps and campaigns it finds.
#[derive(Clone, Debug, PartialEq)]
pub struct Lead {
    pub index: u64,
    pub id: Uuid,
    pub person_name: String,
    pub title: Option<&'static str>,
    pub company: Option<String>,
    /// As typed.
    pub email: Option<String>,
    /// As typed.
    pub phone: Option<String>,
    /// What [`leadflow_shared::normalize::Phone::parse`] makes of `phone`.
    pub phone_e164: Option<String>,
    pub industry: &'static str,
    pub province: &'static str,
    pub city: &'static str,
    pub company_size: i32,
    pub source: &'static str,
    /// Index into [`CAMPAIGNS`].
    pub campaign: Option<usize>,
    pub tags: Vec<&'static str>,
    pub stage: &'static str,
    /// `None`: in the claim pool; else a number the loader maps to a rep of the region.
    pub owner_slot: Option<u32>,
    pub fit_score: i32,
    pub engagement_score: i32,
    pub created_at: DateTime<Utc>,
    /// The earlier lead (by index) this row repeats.
    pub duplicate_of: Option<u64>,
    /// How many behaviour events the lead has.
    pub events: u32,
}

impl Lead {
    pub fn email_normalized(&self) -> Option<String> {
        self.email.as_ref().map(|e| e.trim().to_lowercase())
    }

    pub fn total_score(&self) -> i32 {
        self.fit_score + self.engagement_score
    }
}

/// One behaviour event of a lead.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: Uuid,
    pub kind: &'static str,
    pub url: Option<&'static str>,
    pub occurred_at: DateTime<Utc>,
}

/// A dataset: a seed and a size. Leads `0..leads` go into the database; rows after that are
/// "new arrivals" for the capture and import benchmarks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dataset {
    pub seed: u64,
    pub leads: u64,
}

/// Campaigns: name, channel, cost in CNY fen, and share of the leads of their channel.
pub const CAMPAIGNS: [(&str, &str, i64, u32); 12] = [
    ("百度搜索推广 2026 H1", "paid_ads", 48_000_000, 40),
    ("微信朋友圈广告 2026", "paid_ads", 26_000_000, 22),
    ("抖音信息流 2026", "paid_ads", 18_000_000, 12),
    ("Google Ads APAC 2026", "paid_ads", 9_000_000, 6),
    ("2026 深圳高交会", "event", 35_000_000, 30),
    ("2026 华南工业展", "event", 22_000_000, 18),
    ("线上研讨会 · 供应链数字化", "event", 3_000_000, 10),
    ("白皮书下载 · 数字化工厂", "organic", 1_500_000, 25),
    ("知乎品牌专区", "organic", 2_000_000, 8),
    ("老客户推荐计划", "referral", 5_000_000, 50),
    ("领英 Sponsored Content 2026", "paid_ads", 12_000_000, 8),
    ("36氪 企业服务专题", "organic", 4_000_000, 6),
];

const SURNAMES: [(&str, &str, u32); 20] = [
    ("王", "wang", 71),
    ("李", "li", 70),
    ("张", "zhang", 66),
    ("刘", "liu", 53),
    ("陈", "chen", 45),
    ("杨", "yang", 31),
    ("黄", "huang", 22),
    ("赵", "zhao", 20),
    ("吴", "wu", 20),
    ("周", "zhou", 19),
    ("徐", "xu", 15),
    ("孙", "sun", 14),
    ("马", "ma", 13),
    ("朱", "zhu", 12),
    ("胡", "hu", 12),
    ("郭", "guo", 11),
    ("何", "he", 10),
    ("林", "lin", 9),
    ("高", "gao", 9),
    ("罗", "luo", 8),
];

const GIVEN: [(&str, &str); 32] = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("晓东", "xiaodong"),
    ("海燕", "haiyan"),
    ("建华", "jianhua"),
    ("志强", "zhiqiang"),
    ("婷", "ting"),
    ("浩", "hao"),
    ("宇", "yu"),
    ("欣怡", "xinyi"),
    ("子涵", "zihan"),
    ("俊杰", "junjie"),
    ("晨", "chen"),
    ("佳慧", "jiahui"),
];

const ENGLISH_FIRST: [&str; 16] = [
    "David", "Michael", "Grace", "Emily", "James", "Linda", "Kevin", "Jason", "Amy", "Tony",
    "Sarah", "Peter", "Vivian", "Eric", "Helen", "Daniel",
];
const ENGLISH_LAST: [&str; 12] = [
    "Smith", "Wong", "Chan", "Lee", "Johnson", "Brown", "Tan", "Ng", "Lim", "Miller", "Garcia",
    "Cheung",
];

/// Brand characters: a company's brand is two of them.
const BRAND: [(&str, &str); 30] = [
    ("华", "hua"),
    ("中", "zhong"),
    ("天", "tian"),
    ("恒", "heng"),
    ("博", "bo"),
    ("瑞", "rui"),
    ("金", "jin"),
    ("海", "hai"),
    ("星", "xing"),
    ("鼎", "ding"),
    ("嘉", "jia"),
    ("远", "yuan"),
    ("宏", "hong"),
    ("新", "xin"),
    ("万", "wan"),
    ("致", "zhi"),
    ("卓", "zhuo"),
    ("安", "an"),
    ("明", "ming"),
    ("盛", "sheng"),
    ("启", "qi"),
    ("东", "dong"),
    ("智", "zhi"),
    ("汇", "hui"),
    ("创", "chuang"),
    ("正", "zheng"),
    ("亿", "yi"),
    ("德", "de"),
    ("信", "xin"),
    ("通", "tong"),
];

const ENGLISH_BRAND: [&str; 16] = [
    "Harbour",
    "Pacific",
    "Summit",
    "Everbright",
    "Golden Gate",
    "Silverline",
    "Bluewave",
    "Redwood",
    "Orient",
    "Apex",
    "Nova",
    "Zenith",
    "Crown",
    "Pioneer",
    "Unity",
    "Vertex",
];

/// Industry, its weight, the Chinese line of business and the English one.
const INDUSTRIES: [(&str, u32, &str, &str); 10] = [
    ("制造业", 24, "智能制造", "Manufacturing"),
    ("软件", 16, "软件", "Software"),
    ("电子", 11, "电子科技", "Electronics"),
    ("汽车", 9, "汽车零部件", "Automotive"),
    ("能源", 8, "新能源", "Energy"),
    ("医疗", 8, "医疗器械", "Medical"),
    ("零售", 7, "商贸", "Trading"),
    ("物流", 7, "供应链", "Logistics"),
    ("金融", 5, "金融科技", "Capital"),
    ("教育", 5, "教育科技", "Learning"),
];

/// Province, weight, cities with weights.
type Province = (&'static str, u32, &'static [(&'static str, u32)]);
const PROVINCES: [Province; 20] = [
    (
        "广东",
        180,
        &[
            ("深圳", 40),
            ("广州", 30),
            ("东莞", 12),
            ("佛山", 10),
            ("珠海", 8),
        ],
    ),
    (
        "江苏",
        120,
        &[
            ("苏州", 35),
            ("南京", 30),
            ("无锡", 15),
            ("常州", 10),
            ("南通", 10),
        ],
    ),
    (
        "浙江",
        110,
        &[
            ("杭州", 45),
            ("宁波", 25),
            ("温州", 12),
            ("嘉兴", 10),
            ("绍兴", 8),
        ],
    ),
    ("上海", 110, &[("上海", 1)]),
    ("北京", 100, &[("北京", 1)]),
    (
        "山东",
        70,
        &[("青岛", 35), ("济南", 35), ("烟台", 15), ("潍坊", 15)],
    ),
    ("四川", 50, &[("成都", 1)]),
    ("湖北", 40, &[("武汉", 1)]),
    ("福建", 40, &[("厦门", 45), ("福州", 40), ("泉州", 15)]),
    ("河南", 30, &[("郑州", 1)]),
    ("湖南", 30, &[("长沙", 1)]),
    ("天津", 30, &[("天津", 1)]),
    ("安徽", 30, &[("合肥", 1)]),
    ("陕西", 20, &[("西安", 1)]),
    ("重庆", 20, &[("重庆", 1)]),
    ("辽宁", 20, &[("大连", 50), ("沈阳", 50)]),
    ("河北", 10, &[("石家庄", 1)]),
    ("广西", 10, &[("南宁", 1)]),
    ("香港", 12, &[("香港", 1)]),
    ("江西", 10, &[("南昌", 1)]),
];

/// Provinces the demo's routing rules send to a team; the rest go to the pool.
pub const ROUTED_PROVINCES: [&str; 11] = [
    "上海", "江苏", "浙江", "广东", "福建", "广西", "北京", "天津", "河北", "山东", "香港",
];

const SOURCES: [(&str, u32); 9] = [
    ("paid_ads", 30),
    ("organic", 19),
    ("web_form", 15),
    ("event", 11),
    ("referral", 8),
    ("inbound", 6),
    ("outbound", 5),
    ("api", 4),
    ("import", 2),
];

const TITLES: [(&str, u32); 12] = [
    ("总经理", 10),
    ("采购经理", 14),
    ("IT 总监", 9),
    ("技术总监", 8),
    ("CTO", 4),
    ("运营经理", 8),
    ("销售总监", 6),
    ("财务经理", 5),
    ("工程师", 14),
    ("Procurement Manager", 3),
    ("Head of IT", 2),
    ("副总裁", 4),
];

const STAGES: [(&str, u32); 7] = [
    ("lead", 45),
    ("mql", 15),
    ("sql", 9),
    ("opportunity", 5),
    ("customer", 4),
    ("lost", 16),
    ("recycled", 6),
];

const SIZES: [(i32, u32); 7] = [
    (8, 12),
    (30, 22),
    (80, 22),
    (250, 18),
    (800, 13),
    (3000, 8),
    (15000, 5),
];

const TAGS: [&str; 6] = ["展会", "决策人", "预算已批", "竞品用户", "续约", "高意向"];

const MOBILE_PREFIXES: [&str; 24] = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "177", "180", "181", "186", "187", "188", "189",
];

const FREE_MAIL: [(&str, u32); 4] = [
    ("qq.com", 50),
    ("163.com", 30),
    ("126.com", 10),
    ("gmail.com", 10),
];

const EVENT_KINDS: [(&str, u32); 6] = [
    ("page_view", 62),
    ("email_open", 16),
    ("email_click", 8),
    ("download", 7),
    ("form_submit", 4),
    ("webinar_attended", 3),
];
const URLS: [&str; 8] = [
    "/pricing",
    "/product",
    "/product/routing",
    "/case-studies",
    "/blog/digital-factory",
    "/whitepaper/supply-chain",
    "/contact",
    "/",
];

/// A UUIDv7 with the given time and random bits, as the server makes them.
fn uuid_v7(at: DateTime<Utc>, rng: &mut Rng) -> Uuid {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
    let random = rng.next_u64();
    let more = rng.next_u64();
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    bytes[6] = 0x70 | (random as u8 & 0x0F);
    bytes[7] = (random >> 8) as u8;
    bytes[8] = 0x80 | ((random >> 16) as u8 & 0x3F);
    bytes[9..16].copy_from_slice(&more.to_be_bytes()[..7]);
    Uuid::from_bytes(bytes)
}

/// The person behind a lead: what duplicates of it repeat.
struct Person {
    name: String,
    email: Option<String>,
    mobile: Option<String>,
    company: Option<String>,
    english: bool,
}

impl Dataset {
    pub fn new(seed: u64, leads: u64) -> Dataset {
        Dataset { seed, leads }
    }

    /// Whether row `index` repeats an earlier one, and which.
    fn duplicate_of(&self, index: u64) -> Option<u64> {
        let mut rng = Rng::for_item(self.seed, STREAM_LEADS ^ 0xD0D0, index);
        if index == 0 || !rng.chance(DUPLICATE_RATE) {
            return None;
        }
        // Earlier leads only; the most recent ones come back most often.
        let back = rng.power_law(1.0, 0.6, u32::MAX).max(1);
        Some(index.saturating_sub(u64::from(back)).min(index - 1))
    }

    /// The first lead of a chain of duplicates.
    pub fn original_of(&self, index: u64) -> u64 {
        let mut at = index;
        while let Some(earlier) = self.duplicate_of(at) {
            at = earlier;
        }
        at
    }

    fn person(&self, index: u64) -> (Person, &'static str, &'static str, &'static str) {
        let mut rng = Rng::for_item(self.seed, STREAM_LEADS, index);
        let english = rng.chance(0.12);
        let (industry, _, line_cn, line_en) = *rng.weighted(&INDUSTRIES.map(|i| (i, i.1)));
        let (province, _, cities) = if english && rng.chance(0.5) {
            PROVINCES[18]
        } else {
            *rng.weighted(&PROVINCES.map(|p| (p, p.1)))
        };
        let city = *rng.weighted(cities);
        let (name, local) = if english {
            let first = *rng.pick(&ENGLISH_FIRST);
            let last = *rng.pick(&ENGLISH_LAST);
            (
                format!("{first} {last}"),
                format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
            )
        } else {
            let (surname, surname_py, _) = *rng.weighted(&SURNAMES.map(|s| (s, s.2)));
            let (given, given_py) = *rng.pick(&GIVEN);
            (
                format!("{surname}{given}"),
                format!("{given_py}.{surname_py}"),
            )
        };
        let (b1, b1_py) = *rng.pick(&BRAND);
        let (mut b2, mut b2_py) = *rng.pick(&BRAND);
        if b2 == b1 {
            (b2, b2_py) = BRAND[(BRAND.iter().position(|b| b.0 == b1).unwrap_or(0) + 7) % 30];
        }
        let has_company = rng.chance(0.93);
        let company = has_company.then(|| {
            if english {
                let brand = *rng.pick(&ENGLISH_BRAND);
                let suffix = *rng.weighted(&[
                    ("Co., Ltd.", 40),
                    ("Inc.", 25),
                    ("Ltd.", 25),
                    ("Limited", 10),
                ]);
                format!("{brand} {line_en} {suffix}")
            } else {
                let suffix = *rng.weighted(&[
                    ("有限公司", 62),
                    ("股份有限公司", 24),
                    ("集团有限公司", 8),
                    ("科技有限公司", 6),
                ]);
                let place = if rng.chance(0.7) { city } else { "" };
                format!("{place}{b1}{b2}{line_cn}{suffix}")
            }
        });
        let domain = if english {
            format!(
                "{}.com",
                ENGLISH_BRAND[(index % 16) as usize]
                    .to_lowercase()
                    .replace(' ', "")
            )
        } else {
            let tld = *rng.weighted(&[(".com.cn", 50), (".com", 35), (".cn", 15)]);
            format!("{b1_py}{b2_py}{tld}")
        };
        let email = rng.chance(0.72).then(|| {
            if rng.chance(0.18) {
                let free = *rng.weighted(&FREE_MAIL);
                if free == "qq.com" {
                    format!("{}@qq.com", 100_000_000 + rng.below(3_899_999_999))
                } else {
                    format!("{local}{}@{free}", rng.below(10_000))
                }
            } else {
                format!("{local}{}@{domain}", index % 1000)
            }
        });
        let mobile = (email.is_none() || rng.chance(0.85)).then(|| {
            if province == "香港" {
                format!(
                    "852{}{:06}",
                    rng.pick(&["94", "96", "97", "61", "63", "65"]),
                    rng.below(1_000_000)
                )
            } else {
                format!(
                    "{}{:08}",
                    rng.pick(&MOBILE_PREFIXES),
                    rng.below(100_000_000)
                )
            }
        });
        (
            Person {
                name,
                email,
                mobile,
                company,
                english,
            },
            industry,
            province,
            city,
        )
    }

    /// Row `index`.
    pub fn lead(&self, index: u64) -> Lead {
        let original = self.original_of(index);
        let (person, industry, province, city) = self.person(original);
        let mut rng = Rng::for_item(self.seed, STREAM_LEADS ^ 0xABCD, index);
        let duplicate_of = (original != index).then_some(original);
        let (email, phone_format) = match duplicate_of {
            None => (person.email.clone(), rng.below(5)),
            // A duplicate: the email typed in another case, or the phone in another format.
            Some(_) => {
                let email = person.email.as_ref().map(|e| {
                    if rng.chance(0.5) {
                        e.to_uppercase()
                    } else {
                        let mut chars = e.chars();
                        chars
                            .next()
                            .map(|c| c.to_uppercase().chain(chars).collect())
                            .unwrap_or_default()
                    }
                });
                (email, rng.below(5))
            }
        };
        let (phone, phone_e164) = match &person.mobile {
            None => (None, None),
            Some(digits) => {
                let (typed, e164) = format_phone(digits, phone_format);
                (Some(typed), Some(e164))
            }
        };
        let span = Duration::days(HISTORY_DAYS).num_seconds();
        let at = span * i64::try_from(index.min(self.leads.max(1))).unwrap_or(0)
            / i64::try_from(self.leads.max(1)).unwrap_or(1);
        let created_at =
            epoch() - Duration::seconds(span - at) + Duration::seconds(rng.below(3600) as i64);
        let source = *rng.weighted(&SOURCES);
        let in_channel: Vec<(usize, u32)> = CAMPAIGNS
            .iter()
            .enumerate()
            .filter(|(_, c)| c.1 == source)
            .map(|(i, c)| (i, c.3))
            .collect();
        let campaign =
            (!in_channel.is_empty() && rng.chance(0.8)).then(|| *rng.weighted(&in_channel));
        let stage = *rng.weighted(&STAGES);
        let owner_slot = match stage {
            "lead" | "recycled" | "lost" if rng.chance(0.35) => None,
            _ => Some(rng.below(u64::from(u32::MAX)) as u32),
        };
        let events = rng.power_law(1.76, 1.4, 2000);
        let stage_bonus = match stage {
            "mql" => 25,
            "sql" | "opportunity" => 35,
            "customer" => 40,
            _ => 0,
        };
        let fit_score = (rng.below(45) as i32 + stage_bonus / 2).min(60);
        let engagement_score = (i32::try_from(events).unwrap_or(40) * 3 + stage_bonus / 2).min(40);
        let mut tags = Vec::new();
        if rng.chance(0.2) {
            tags.push(*rng.pick(&TAGS));
        }
        let id_rng = &mut Rng::for_item(self.seed, STREAM_LEADS ^ 0x1D, index);
        Lead {
            index,
            id: uuid_v7(created_at, id_rng),
            person_name: person.name,
            title: rng.chance(0.85).then(|| *rng.weighted(&TITLES)),
            company: person.company,
            email,
            phone,
            phone_e164,
            industry,
            province,
            city,
            company_size: *rng.weighted(&SIZES),
            source,
            campaign,
            tags,
            stage,
            owner_slot,
            fit_score,
            engagement_score,
            created_at,
            duplicate_of,
            events: if person.english { events / 2 } else { events },
        }
    }

    /// The behaviour events of `lead`, oldest first, between its arrival and [`epoch`].
    pub fn events(&self, lead: &Lead) -> Vec<Event> {
        let mut rng = Rng::for_item(self.seed, STREAM_EVENTS, lead.index);
        let window = (epoch() - lead.created_at).num_seconds().max(60);
        let mut offsets: Vec<i64> = (0..lead.events)
            .map(|_| rng.below(window as u64) as i64)
            .collect();
        offsets.sort_unstable();
        offsets
            .into_iter()
            .map(|offset| {
                let occurred_at = lead.created_at + Duration::seconds(offset);
                let kind = *rng.weighted(&EVENT_KINDS);
                let url = matches!(kind, "page_view" | "download" | "form_submit")
                    .then(|| *rng.pick(&URLS));
                Event {
                    id: uuid_v7(occurred_at, &mut rng),
                    kind,
                    url,
                    occurred_at,
                }
            })
            .collect()
    }

    /// The CSV header of [`Dataset::csv_row`]: the column names a Chinese export uses.
    pub const CSV_HEADER: &'static str =
        "姓名,公司名称,职位,邮箱,手机号码,省份,城市,行业,公司规模\n";

    /// Row `index` as a line of the import file.
    pub fn csv_row(&self, index: u64, out: &mut String) {
        let lead = self.lead(index);
        let fields = [
            lead.person_name.as_str(),
            lead.company.as_deref().unwrap_or(""),
            lead.title.unwrap_or(""),
            lead.email.as_deref().unwrap_or(""),
            lead.phone.as_deref().unwrap_or(""),
            lead.province,
            lead.city,
            lead.industry,
        ];
        for field in fields {
            if field.contains([',', '"', '\n']) {
                out.push('"');
                out.push_str(&field.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(field);
            }
            out.push(',');
        }
        out.push_str(&lead.company_size.to_string());
        out.push('\n');
    }
}

/// A mobile number (digits with country code for Hong Kong, 11 digits for the mainland) typed
/// in one of the ways people type it, and its E.164 form.
fn format_phone(digits: &str, format: u64) -> (String, String) {
    if let Some(local) = digits.strip_prefix("852") {
        let e164 = format!("+852{local}");
        let typed = match format {
            0 | 1 => format!("+852 {} {}", &local[..4], &local[4..]),
            2 => e164.clone(),
            3 => format!("00852 {local}"),
            _ => format!("(+852) {}-{}", &local[..4], &local[4..]),
        };
        return (typed, e164);
    }
    let e164 = format!("+86{digits}");
    let (a, b, c) = (&digits[..3], &digits[3..7], &digits[7..]);
    let typed = match format {
        0 => digits.to_string(),
        1 => format!("+86 {a} {b} {c}"),
        2 => format!("{a}-{b}-{c}"),
        3 => e164.clone(),
        _ => format!("0086 {a} {b} {c}"),
    };
    (typed, e164)
}

#[cfg(test)]
mod tests {
    use leadflow_shared::normalize::Phone;

    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_rows_and_another_seed_other_rows() {
        let a = Dataset::new(42, 10_000);
        let b = Dataset::new(42, 10_000);
        for i in [0, 1, 17, 999, 9_999] {
            assert_eq!(a.lead(i), b.lead(i));
            assert_eq!(a.events(&a.lead(i)), b.events(&b.lead(i)));
        }
        let c = Dataset::new(43, 10_000);
        assert_ne!(
            a.lead(5).person_name + &a.lead(6).person_name,
            c.lead(5).person_name + &c.lead(6).person_name
        );
        let mut csv_a = String::new();
        let mut csv_b = String::new();
        for i in 0..200 {
            a.csv_row(i, &mut csv_a);
            b.csv_row(i, &mut csv_b);
        }
        assert_eq!(csv_a, csv_b);
    }

    #[test]
    fn phones_normalise_as_the_server_does_and_duplicates_repeat_a_contact() {
        let data = Dataset::new(7, 20_000);
        let mut duplicates = 0;
        let mut events = 0u64;
        let mut english = 0;
        for i in 0..20_000 {
            let lead = data.lead(i);
            if let (Some(phone), Some(e164)) = (&lead.phone, &lead.phone_e164) {
                if i % 20 == 0 || e164.starts_with("+852") {
                    let parsed = Phone::parse(phone).unwrap_or_else(|e| panic!("{phone}: {e}"));
                    assert_eq!(parsed.as_str(), e164, "{phone}");
                }
            }
            assert!(lead.email.is_some() || lead.phone.is_some());
            if lead.person_name.is_ascii() {
                english += 1;
            }
            if let Some(original) = lead.duplicate_of {
                duplicates += 1;
                let first = data.lead(original);
                assert!(original < i && first.duplicate_of.is_none());
                assert_eq!(first.email_normalized(), lead.email_normalized());
                assert_eq!(first.phone_e164, lead.phone_e164);
                assert_eq!(first.person_name, lead.person_name);
            }
            events += u64::from(lead.events);
        }
        assert!(
            (500..1_200).contains(&duplicates),
            "{duplicates} duplicates"
        );
        assert!((1_500..3_500).contains(&english), "{english} English names");
        let mean = events as f64 / 20_000.0;
        assert!((3.5..6.5).contains(&mean), "{mean} events per lead");
    }
}
