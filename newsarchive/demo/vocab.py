"""Word tables the demo articles are composed from.

Kept as data in one place so that content generation stays a handful of small functions and
the portal reads like a county media centre: its towns, departments, reporters and the kinds
of headlines such a site carries. Every name here is invented for the demo county.
"""

from __future__ import annotations

SITE_NAME = "示范县融媒体中心"
COUNTY = "示范县"
DAILY = "示范日报"
ICP = "蜀ICP备19000000号-1"
PSB = "川公网安备51000000000000号"

TOWNS = (
    "城关镇", "青山镇", "白河镇", "龙泉乡", "石桥镇", "柳林乡", "桃源镇", "双河镇",
    "清水乡", "红星镇", "新华乡", "东溪镇", "云台镇", "金竹乡", "马鞍镇", "花园镇",
)

DEPARTMENTS = (
    "县发改局", "县农业农村局", "县教育局", "县卫健局", "县文旅局", "县交通运输局",
    "县市场监管局", "县应急管理局", "县住建局", "县生态环境局", "县人社局", "县民政局",
    "县水利局", "县林业局", "县公安局", "县税务局", "县自然资源局", "县经信局",
)

TOPICS = (
    "防汛减灾", "乡村振兴", "森林防火", "安全生产", "人居环境整治", "高标准农田建设",
    "营商环境优化", "文明城市创建", "招商引资", "耕地保护", "食品安全", "义务教育均衡发展",
    "医疗保障", "河长制", "消防安全", "春耕生产", "茶产业发展", "电商助农", "就业帮扶",
    "文化惠民", "农村公路养护", "城乡供水", "基层治理", "养老服务", "生态环境保护",
    "秸秆禁烧", "民营经济发展", "项目建设", "林长制", "地质灾害防治", "粮食安全",
    "全民健身", "普法宣传", "矛盾纠纷排查化解", "燃气安全", "校园安全",
)

CAMPAIGNS = (
    "我为群众办实事", "清河护岸", "平安校园", "春风行动", "百日攻坚", "文明新风进万家",
    "安全生产月", "消费维权", "送法下乡", "送医下乡", "万企兴万村", "护苗",
)

# Headline shapes seen on county portals; {town}, {dept}, {topic}, {campaign}, {n}, {year}.
NEWS_TITLES = (
    "{town}召开{topic}工作推进会",
    "{county}部署{topic}工作",
    "{dept}开展{topic}专项检查",
    "{dept}举办{topic}业务培训班",
    "{town}{topic}见实效",
    "{county}{topic}工作取得新成效",
    "{town}启动“{campaign}”行动",
    "县委主要领导到{town}调研{topic}工作",
    "县政府召开常务会议 研究{topic}等工作",
    "{town}：{topic}跑出“加速度”",
    "{dept}扎实推进{topic}",
    "{county}召开{year}年{topic}工作会议",
    "{town}多措并举抓好{topic}",
    "{dept}开展“{campaign}”主题活动",
    "{county}{n}个{topic}项目集中开工",
    "{town}以{topic}为抓手 绘就乡村新画卷",
    "县人大常委会视察{topic}工作",
    "县政协调研{topic}工作",
    "{county}举行{topic}应急演练",
    "{town}{topic}工作经验获全市推广",
)

NOTICE_TITLES = (
    "关于做好{year}年{topic}工作的通知",
    "{dept}关于开展{topic}专项整治的通告",
    "关于{topic}项目拟立项情况的公示",
    "{county}{year}年{topic}资金分配情况公示",
    "关于征求《{county}{topic}实施方案（征求意见稿）》意见的公告",
    "{dept}{year}年公开招聘工作人员公告",
    "关于{town}{topic}工程招标结果的公告",
    "{county}关于调整{topic}工作领导小组成员的通知",
)

MEDIA_TITLES = (
    "四川日报：{county}{topic}走出新路子",
    "【媒体看{short}】{town}{topic}见实效",
    "四川新闻网：{county}扎实推进{topic}",
    "川观新闻｜{town}：{topic}跑出“加速度”",
    "市日报：{county}{topic}工作获点赞",
    "【聚焦】{county}{topic}蹄疾步稳",
)

DECKS = (
    "{topic}提质增效 民生福祉持续增进",
    "——{town}推进{topic}工作侧记",
    "聚焦{topic} 凝聚发展合力",
    "{topic}与{topic2}齐头并进",
)

MEDIA_SOURCES = ("四川日报", "四川新闻网", "川观新闻", "新华网", "市日报", "人民网")
MEDIA_DATELINES = ("新华社成都{md}电", "本报{town}讯", "川观新闻{md}讯")

SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏",
)
GIVEN = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "晓燕", "海燕", "红梅",
    "春林", "德明", "永红", "雪梅", "国庆", "建国", "玉兰", "文博", "思远", "子涵", "雨桐",
    "浩然", "欣怡", "俊杰", "梓轩", "嘉怡", "宇航", "晨曦", "一鸣",
)

IMAGE_CAPTIONS = (
    "图为{town}{topic}工作现场。",
    "{town}干部群众参加{topic}活动。",
    "工作人员在{town}开展{topic}检查。",
    "{topic}现场。",
)

ATTACHMENT_TEXTS = (
    ("{topic}工作实施方案.pdf", "pdf"),
    ("{year}年{topic}项目汇总表.xlsx", "xlsx"),
    ("报名登记表.docx", "docx"),
    ("{topic}资金分配明细表.xlsx", "xlsx"),
    ("{topic}政策解读.pdf", "pdf"),
    ("意见反馈表.docx", "docx"),
)
