"""Crisis rules: signal families that need no statistics, each read with its modifiers.

A signal family names what was said (a wish to die, a plan or means, a farewell, self-harm now,
hopelessness with a time, violence, an emergency); the modifiers say whether it counts here:
who (the writer, or a roommate, a friend, a student the writer reports), when (now, tonight, or
past and resolved: 去年想过轻生现在好多了) and frame (a course, a book, a film, the news, homework,
a prevention lecture, a stage prop). Hyperbole and homographs (累死了, 想死的心都有了, 跳楼价, 死机,
自杀式无人机) are not signals in the first place.

Example message: "室友把安眠药都攒在抽屉里 今天跟我说今晚就全吃了" -> plan (peer, now).
The patterns read the normalised text (bot/parse/text.py): Simplified, disguises undone (紫砂 -> 自杀).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parse.literals import lead_with_literals

# Signal families, in the order the alert names them. Each is one alternation; keep every branch
# about something said now by someone, never a bare topic word (自杀 alone is handled by "wish").
_FAMILIES: dict[str, str] = {
    # Explicit wish to die or to kill oneself.
    "wish": "|".join((
        r"要去死|(?<![原地到得])(?<![到得]我)(?:想|准备|打算|决定|干脆|只想|就想|好想|很想|真想)(?:去)?死(?!你|您|我了|了你|他|她|咱|人|的心|磕|忠|党|机|循环|宅)",
        r"(?:想|要|准备|打算|决定|念头|冲动|计划)[^,。!?]{0,4}(?:自杀|轻生|寻死|寻短见|自尽|了结自己|结束(?:自己的?|我的)?生命)",
        r"自杀(?:的)?(?:念头|想法|冲动|两个字)|想过(?:要|去)?(?:死|自杀|轻生|结束(?:自己的?)?生命)|杀了自己|结束自己|了结自己|了断自己|自我了断",
        r"(?:要|想)(?:去)?(?:撞车|卧轨|跳楼|跳河|跳江|跳湖)",
        r"不想(?:再)?活|活不下去|活不成了|不想活下去|不愿(?:再)?活|没法活了|活够了|不如死了|死了算了|死了就好|死了一了百了|一死了之|一了百了",
        r"自杀吧|我想自杀|我要自杀|想自杀|要自杀|去自杀|会自杀|该自杀",
        r"(?:想|要)(?:快点)?结束(?:这一切|一切|这条命)|(?:想|在想|查|研究|问)[^,。!?]{0,3}怎么死|死法|做(?:个|一个)?了断",
        r"慢慢(?:结束|死掉|饿死|消失)(?:自己|掉|吧|$)|(?:不吃不喝|绝食)[^。!?]{0,12}(?:结束|死|消失)|想解脱|求解脱|彻底解脱|就解脱了|想了结|想了断|寻死|寻短见|轻生(?!的念头[^,。!?]{0,12}(?:现在|已经))",
        # Euphemisms: 做傻事, 想不开, 走极端 said of what someone will or may do, not of what they did.
        r"(?:会|要|想|去|可能|怕自己|忍不住|准备|打算)[^,。!?]{0,3}(?:做|干)(?:出)?(?:什么)?傻事",
        r"死都不敢[^。!?]{0,10}(?:想试|试试|试一次|试一下)",
        r"(?:会|要|快要|就要|可能|真的|怕自己|担心自己)想不开|(?:会|要|想|可能|怕自己|忍不住)[^,。!?]{0,3}走极端|走极端(?:的|这个|这一个)?(?:念头|想法)",
    )),
    # Passive or indirect wishes: not waking up, never having been born, disappearing, being gone.
    "passive": "|".join((
        r"(?:睡着|睡过去|睡下去|闭上眼)了?(?:就|以后)?(?:别|不要|不用|再也不|永远不)(?:再)?(?:醒|起来)|醒不过来(?:就好|多好|算了)|就再也醒不过来|(?:别|不要|不想|不用|不必)(?:再)?醒(?:过来|来)|一睡不醒|永远睡下去|不想(?:再)?醒来",
        r"不想(?:再)?看到明天|看不到明天的太阳|没有明天了|不想有明天",
        r"(?:从来)?没有?(?:被)?(?:出生|生下来)(?:就好|该多好|多好)|不该(?:被)?生下来|后悔(?:来到|出生)",
        r"(?:想|要|好想|宁愿|干脆)(?:就这样)?(?:彻底)?消失|从(?:这个)?世界(?:上)?(?:彻底)?消失|消失了?(?:会|就)?(?:更好|就好|算了|也没人)",
        r"离开(?:这个)?世界|告别(?:这个)?世界|离开(?:这个)?人间|去(?:一个)?很远的地方[^,。!?]{0,8}不(?:会)?回来",
        r"(?:悄悄|安静|安安静静|悄无声息)地?(?:消失|不存在|离开|走掉)|(?:可以|能|就能|终于)(?:放心|安心)地?(?:走|离开)了|让(?:一个人|自己|我)[^,。!?]{0,6}(?:不存在|消失)|等我死了|我死了(?:以后|之后|你们|他们|就)",
        r"(?:如果|要是|假如)我(?:突然)?(?:消失|不在|死)了|(?:我|自己)(?:要是|如果)?(?:应该|可能|大概|也许|估计|早就)?(?:已经)?不在了|(?:看到|发现|收到|读到)[^。!?]{0,12}(?:时候|时)[^。!?]{0,10}(?:已经)(?:不在了|走了|离开了|不在这个世界)|没有我(?:的话)?[^。!?]{0,12}(?:更好|更轻松|轻松很多)|没我也照样转",
        r"(?:不配|没(?:有)?资格|不该|不应该)(?:再)?活(?:着|下去|在这个世界)|(?:我的)?存在(?:本身)?(?:就是)?(?:个|一个)?错误|活着(?:就是|只是|本身就是)(?:个|一个)?错误",
        r"活着(?:真|好|太|也)?(?:没|没有|毫无)(?:什么)?(?:意思|意义|盼头|希望)|活着.{0,6}(?:没有?意义|没意思)|活着[^。!?]{0,6}(?:没有?|毫无)(?:任何|什么)(?:意义|意思)|活着干嘛|为什么(?:我)?(?:还)?要?活着|活着还有什么意思",
        r"活着(?:就是|只是)?(?:在)?浪费|(?:如果|要是)我死了|我死了会不会|(?:想|要)去(?:天堂|另一个世界|那边)(?!玩|旅)|出(?:个|场)?车祸(?:就好|多好|算了)",
        r"(?:那次|当时|上次)(?:就那样)?没了(?:多好|就好)|(?:车|东西)[^,。!?]{0,6}撞(?:过来|死我)[^,。!?]{0,4}(?:就好|多好)",
        r"查出[^,。!?]{0,6}绝症[^,。!?]{0,8}(?:松一口气|解脱|反而)",
        r"(?:出|发生)(?:了|个)?意外[^。!?]{0,24}(?:更好|就好|多好|也好|解脱|保险金)|保险金[^。!?]{0,12}(?:更好|就好|留给|给爸妈)",
        r"在(?:这个)?世(?:界)?上的最后|最后一天|先走一步|下辈子(?:再|见)|(?:不|没)打算在(?:这个)?世界(?:上)?待|不会在(?:这个)?世界",
        r"想往下跳|想跳下去|要不要跳|想下去(?![楼吃])|往下跳",
    )),
    # A plan or the means: pills hoarded, charcoal bought, a rope, a height measured, a one-way ticket.
    "plan": "|".join((
        r"(?:攒|囤|存|藏|买|下单|订)(?:了|好了|着)?[^,。!?]{0,8}(?:安眠药|药片|农药|百草枯|老鼠药|敌敌畏|炭|木炭|刀片|绳子)",
        r"(?:安眠药|药片|药)[^,。!?]{0,10}(?:攒|囤|存|藏)(?:够|齐)?(?:了|好了|着|在|起来)|(?:攒|囤)(?:了|够了?|好了|着)?[^,。!?]{0,8}(?:药|安定)|(?:安眠药|安定|药片|刀片|木炭|炭|农药)[^,。!?]{0,8}(?:准备好|备好|买好|买回来|攒够|到手)|药[^,。!?]{0,4}(?:已经|早就|都)(?:准备好|备好|买好)了(?!吗)|(?:[1-9]\d+|几十|十几|[二三四五六七八九]?十[几一二三四五六七八九]?|[一两几]?百)(?:片|颗|粒)(?:安眠药|药)",
        r"(?:安眠药|药)[^,。!?]{0,10}(?:都|全|全部)?(?:吃掉|吃了它|吞了|全吃|都吃)|(?:把药|药都|药全)[^,。!?]{0,6}(?:吃掉|吞掉)|打算[^,。!?]{0,6}(?:吃掉|吞掉|喝了|喝掉)",
        r"(?:今晚|今天|明天|马上|等会儿?|一会儿?)[^,。!?]{0,3}(?:全|都|全部)(?:吃掉|吞掉|喝掉|吃了|吞了)",
        r"(?:喝|吃|服)(?:了|掉)?[^,。!?]{0,3}(?:农药|百草枯|老鼠药|敌敌畏)|(?:农药|百草枯|敌敌畏)[^,。!?]{0,12}喝(?:了|掉)",
        r"烧炭|开煤气(?!灶做饭)|上吊(?!环)|割腕|割脉|跳楼(?!价|机|大甩卖|甩卖|的事|事件|新闻)|跳河|跳湖|跳江|跳海|跳桥|卧轨",
        r"(?:查|搜|问)[^,。!?]{0,6}(?:哪种药|什么药|多少片|吃多少|怎么死|烧炭|安眠药|哪里能买到?|致死)",
        r"(?:查|搜|问|算)[^,。!?]{0,8}(?:几楼|几层|多高|哪层)[^,。!?]{0,8}(?:跳|下去|摔)|跳下去[^,。!?]{0,4}(?:才)?(?:不会失败|一定会?死|能死|会死|死得了)",
        r"(?:天台|楼顶|顶楼)[^。!?]{0,10}(?:看过|去过|试过|确认过|踩过点)[^。!?]{0,6}(?:没锁|没上锁|能上去|上得去|开着)|(?:哪种|什么|哪个|怎样的)(?:方式|方法|办法)(?:走得|死得|走|死)?(?:最|比较|会)?(?:不痛|没有?痛苦|不难受)|(?:不痛|无痛|没有痛苦)(?:地|的)?(?:死|走掉|离开|结束)|想好(?:了)?(?:怎么|如何)死|就差(?:定个)?(?:时间|最后一步)|(?:天台|楼顶|顶楼)[^,。!?]{0,6}(?:能上去|上得去|门没锁)",
        r"(?:从|在)[^,。!?]{0,8}(?:阳台|窗户|窗台|楼顶|天台|顶楼|桥|楼上|\d+楼|[一二三四五六七八九十]+楼)[^,。!?]{0,4}(?:下去|跳)|够高|算过了",
        r"绳子[^,。!?]{0,12}(?:挂钩|结实|房梁|门)|挂钩结不结实|(?:车票|船票|机票)[^,。!?]{0,6}单程|单程(?:的)?(?:车票|票)",
        r"刀片[^,。!?]{0,8}(?:在手上|买好|放在|枕头)|(?:手上|枕头下)[^,。!?]{0,4}刀片|(?:拿|握|捏)着刀片",
        r"(?:站|坐|蹲|徘徊)(?:在|到)?[^,。!?]{0,8}(?:楼顶|天台|顶楼|窗台|栏杆外|桥上|河边|江边|湖边|海边|边上)|(?:楼顶|天台|顶楼|桥上|河边)[^,。!?]{0,10}(?:站|坐|徘徊|不肯|不下来|不进屋|风好大|风很大|我想好了|认真的)",
        r"(?:我在|他在|她在|人在|同学在|学长在|学姐在)[^,。!?]{0,8}(?:楼顶|天台|顶楼|河边|江边|湖边|桥上|桥边|海边|铁轨)",
        r"从[^,。!?]{0,8}(?:楼(?!梯|道)|阳台|窗|天台|顶|桥)[^,。!?]{0,4}(?:跳下去|往下跳|跳下来)",
        r"(?:翻|跨|爬)(?:过|出|到)?了?[^,。!?]{0,6}(?:栏杆|护栏|窗户?|窗台)(?:的)?(?:外|外面|外边)|(?:翻|跨)过[^,。!?]{0,6}(?:阳台|楼顶|天台)[^,。!?]{0,4}(?:栏杆|护栏)",
        r"(?:窗户?|天台|顶楼|楼顶)[^,。!?]{0,4}(?:的)?锁[^,。!?]{0,6}(?:撬开|弄开|砸开|拆了|打开了)",
        r"(?:今晚|今天|现在|马上|就)[^,。!?]{0,4}(?:想|要|准备)?(?:去|上)(?:顶楼|天台|楼顶)(?![^,。!?]{0,4}(?:看|拍|晒|晾|吹|乘凉|玩|收))",
        r"(?:门窗|窗户|门缝|窗缝)[^,。!?]{0,8}(?:封住|封死|封好|封上|封严|堵住|堵好|贴死|贴好)[^。!?]{0,12}(?:炭|烧|煤|烟)|炭味|烧炭的味道",
        r"水挺深|水很深|下面的河水|看(?:了很久)?[^,。!?]{0,4}河水|往前挪",
        r"(?:量|测|算)(?:了)?[^,。!?]{0,12}(?:阳台|窗|楼|天台|顶楼)[^,。!?]{0,8}(?:多高|高度|几米)|(?:阳台|窗台|楼顶|天台)[^,。!?]{0,6}(?:到地面|离地面?)[^,。!?]{0,4}(?:多高|几米|高度)",
    )),
    # A farewell, or affairs settled in a farewell tone.
    "farewell": "|".join((
        r"遗嘱(?:写好|立好|已经写)|遗书|遗言|交代后事|后事(?:交代|安排)|永别|诀别|告别(?:的|了)?(?:朋友圈|消息|信|视频|动态)|告别的话",
        r"最后(?:一条|一次)(?:消息|留言|跟你|和你)|最后(?:能)?为大家做的|最后跟你说|说声再见|这辈子谢谢|下辈子(?:再|见)",
        r"以后(?:我)?(?:应该)?(?:也)?(?:用不上|用不到|用不着|不用再?为我|不用(?:再)?操心|就不(?:再)?麻烦|不会(?:再)?(?:麻烦|打扰)|不会再去|也不会去)|用不上了|用不到了|用不着了|再也不用麻烦|不会再打扰|以后就不用(?:再)?麻烦",
        r"最后(?:再)?看一眼(?:这个)?(?:城市|世界|你们|大家|学校|家)|看(?:这个世界)?最后一眼(?=$|[ ,。!?]|吧|了)",
        r"(?:别|不要)(?:难过|伤心)[^。]{0,10}(?:好好的|好好活|照顾好)|(?:你们|爸妈)要好好的|(?:东西|遗物)[^。]{0,6}(?:随便处理|都处理掉|都不要了)|(?:晚安|再见|别了)[, ]?(?:世界|人间)|明天不用叫我",
        r"托付给[^。!?]{0,10}(?:以后|拜托|麻烦)|最后(?:再)?(?:跟|和|对)(?:大家|你们|各位)说(?:声|一次|一句)?(?:谢谢|再见|对不起)",
        r"(?:照顾好?|照顾一下)(?:我妈|我爸|我爸妈|爸妈|奶奶|它|我的猫|我的狗)[^。]{0,6}(?:拜托|麻烦|了)|帮我照顾|麻烦谁帮我养|替我照顾",
        r"(?:东西|游戏账号|账号密码|皮肤|考研资料|吉他|书)[^。]{0,10}(?:都)?(?:分给|送给|给了|留给|转给|发给)|(?:钱|余额)[^,。!?]{0,6}转给",
        r"密码(?:写在|在)[^,。!?]{0,8}(?:桌上|便利贴|本子)|(?:所有|全部)[^,。!?]{0,4}账号[^,。!?]{0,4}(?:注销|删)|照片全删|朋友圈也?清空|清空了?朋友圈",
        r"谢谢(?:大家|你们|你)?(?:这些年|这一年|一直以来)[^。]{0,16}(?:以后|再见|保重|不用|不麻烦)|(?:老师们?|大家|你们)(?:都|要)?保重(?!身体)|就到这里吧|晚安[^,。!?]{0,3}永远",
        r"谢谢[^。!?]{0,8}这些年[^。!?]{0,16}(?:关机|手机关|关了机|不回|删了)|(?:这次|这回)(?:是)?真的(?=$|[ ,。!?]|了)",
        r"该还的都还了|心里反而(?:很)?平静|道了歉[^。]{0,12}还了|对不起(?:爸妈|所有)[^。]{0,10}(?:对我好|再见|永别)",
        r"(?:没回|不回|联系不上|找不到我)[^。!?]{0,12}(?:不用|别|不要)(?:再)?(?:来)?找我|不(?:会)?回来了|不用回了|删了好友|把我删了|退群了|别像我一样",
    )),
    # Self-harm going on now, or an overdose taken.
    "self_harm": "|".join((
        r"(?:在|又|正在|刚才?|刚刚)(?:(?!被)[^,。!?]){0,8}(?:割|划|烫|撞)(?![到破])[^,。!?]{0,6}(?:自己|手|胳膊|手腕|腕|额头|头|墙)",
        r"(?:已经|刚|又)划了(?:一下|几下|一道|几道|一刀|几刀)",
        r"割(?:了)?(?:自己|手|腕)|(?:划|刺|扎|捅|烫|烧|掐|咬)(?:了|伤了?)?(?:好几下|几下|好几次|几次)?自己|(?:想|要)再(?:划|割)|划(?:了)?(?:好多|好几)?(?:道|刀)|(?:手腕|胳膊|手臂|手)[^,。!?]{0,6}(?:在流血|全是血|都是血|血一直流|新伤|伤口)|手上全是血",
        r"(?:胳膊|手臂|手腕|大腿|腿|身上)上?(?:全是|都是|有好多|有|好多)(?:新的?)?(?:刀痕|伤痕|伤口|划痕|血痕)",
        r"(?:胳膊|手臂|手腕|大腿|腿|身上)上?[^,。!?]{0,3}(?:割|划|烫)(?:了|出)|(?:抠|掐|咬|抓)[^,。!?]{0,4}(?:手臂|胳膊|手|自己)[^。]{0,10}(?:烂|流血|停不下来|控制不住)",
        r"(?:划|割|刺)(?:了)?[^,。!?]{0,3}(?:大腿|腿|身上|肚子|皮肤)|打自己[^,。!?]{0,8}(?:肿|流血|停不下来|控制不住)|(?:烟头|打火机|烙铁)[^,。!?]{0,2}烫(?:了|伤了?)?(?:好几下|几下|好几次|几次)?自己|拿头撞墙|用头撞墙|撞墙撞|(?:打|掐|咬)自己[^,。!?]{0,4}停不下来|自残|自伤|伤害自己|弄伤自己",
        r"(?:吞|吃|服|喝)(?:了|下)?(?:很多|好多|半瓶|一瓶|一整瓶|一大?把|一整?板|两板|一堆|大量|整瓶|全部|一整?盒)[^,。!?]{0,6}(?:药|安眠药|药片|感冒药|止痛药|布洛芬|退烧药|安定|褪黑素|氯硝西泮|阿普唑仑|地西泮|头孢)",
        r"(?:一整?板|两板|一整?瓶|半瓶|一整?盒|一大?把)[^,。!?]{0,6}(?:药|安眠药|药片|感冒药|止痛药|布洛芬|退烧药|安定|褪黑素|氯硝西泮|阿普唑仑|地西泮)[^,。!?]{0,3}(?:吞|吃|喝)(?:了|下去|掉)",
        r"(?:吞|服)(?:了|服)?(?:大量)?(?:药物|药)|药物过量|服药过量|吞药|安眠药[^,。!?]{0,6}(?:吃了|吞了|好困)|(?:白酒|酒)[^,。!?]{0,10}(?:一大?把|很多)[^,。!?]{0,4}药",
        # An attempt just made, told without the word: 用绳子试了一下, 没死成, 下次选更高的地方.
        r"没死成|死不成|没死掉|(?:(?<!跳)绳|绳套|围巾|皮带|数据线|刀片|药|煤气|炭|吊)[^。!?]{0,10}试(?:了|过)|试(?:着|了|过)[^。!?]{0,8}(?:绳套|绳子|上吊|勒|割腕|吞药)",
        r"(?:(?<!跳)绳|药|刀|吊|割|(?<!跳)跳(?!绳|远|高)|勒)[^。!?]{0,16}差一?点(?:儿)?就(?:成功|死)|(?:下次|这次)[^。!?]{0,6}(?:选|找|换|吃|多吃)[^。!?]{0,4}(?:更高|更多|更狠)",
    )),
    # Hopelessness and being a burden, tied to a time or a limit.
    "hopeless": "|".join((
        r"(?:今晚|今天)就到这(?:吧|里|儿)|活不过(?:这个|今年|今晚|明天|这周)|撑不(?:过|到|下去)(?:今晚|今天|明天|这周|期末|了)|熬不过(?:去|今晚|这周|这个)|(?:连|就)这周都熬不",
        r"今晚(?:就)?(?:结束|了结|走|解决)|(?:这周末|明天|今晚|过了明天|等[^,。!?]{0,8}(?:回家|走了|不在))[^。]{0,10}(?:就|把)?(?:彻底)?(?:解脱|了结|结束|一切了结|再也不用)",
        r"就不用再(?:熬|痛苦|面对|撑)|(?:我是|我就是)?(?:全家|家里|大家)?的?(?:累赘|负担)|拖累(?:家里|家人|爸妈|大家|别人|你们|所有人|身边的?人)|给(?:别人|家里|大家)添(?:负担|麻烦)",
        r"看不到(?:一点|任何)?希望[^。]{0,16}(?:离开|不想|消失|结束)|没有(?:任何)?(?:活下去|活着)的(?:理由|意义|勇气)",
        r"最后一次(?:求助|找你们|求你们)了?(?=$|[ ,。!?])|这次(?:我)?(?:是)?认真的|这次不是(?:开玩笑|说说)|不是(?:开玩笑|发泄)|谁都拦不住|不用劝我|别劝我",
    )),
    # Violence and threats to life.
    "violence": "|".join((
        r"(?:持|拿|带|揣|提)着?(?:一把|把)?[^,。!?]{0,3}(?:刀(?!片)|菜刀|水果刀|匕首|凶器|钢管|棍子|铁棍|砍刀|斧头|剪刀)",
        r"(?:拿|用|抄起|举着)(?:着|起)?[^,。!?]{0,4}(?:砖头|石头|酒瓶|啤酒瓶|锤子|板凳|凳子|椅子|铁锹|球棒|棒球棍)[^,。!?]{0,8}(?:砸|打|敲|抡)",
        r"(?:要|想|扬言|威胁|说要|说今晚要)[^,。!?]{0,6}(?:(?<![自谋暗])杀(?:了|死|掉|光)|砍|捅|弄死|打死|烧了|放火|报复)|杀了(?:他|她|你|我|我们)|(?<![自谋暗])杀人(?![案犯狼游])|砍人|捅(?:人|伤|了|死)",
        r"就(?:弄死|杀了|砍死|打死|捅死)(?:我|你|他|她)|(?:划|砍|捅|刺)伤了?[^,。!?]{0,4}(?:脖子|头|肚子|胸|脸)",
        r"追着[^,。!?]{0,6}(?:打|砍)|(?:掐|勒|卡)(?:着|住)?[^,。!?]{0,8}脖子|(?:掐|勒)(?:着|住)(?:我|他|她|人)|(?:按|摁)在(?:地上|水里|墙上)[^,。!?]{0,4}(?:打|掐|踢|揍|捶)|踢(?<!被踢)(?!到)[^,。!?]{0,4}(?:头|脑袋|肚子)|(?:往|朝)墙上撞|(?:打|砸)[^,。!?]{0,6}(?:头破|见血|流血|倒地|头都破)|见血了?|已经倒地|围着[^,。!?]{0,8}(?:打|踹|踢|揍|殴)|拿凳子砸",
        r"汽油|同归于尽|报复社会|(?:一伙|好几个|几个)人[^,。!?]{0,8}(?:打|围殴)|打起来了",
    )),
    # Physical emergencies happening now.
    "emergency": "|".join((
        r"(?:冒|冒出|好多|很多|全是|都是)(?:好多|很多)?(?:黑)?烟|浓烟|烟很大|好大的烟|冒黑烟|着火了|起火了|失火|火灾[^,。!?]{0,4}(?:了|人)|(?:烧|火)[^,。!?]{0,6}(?:出不来|没出来|被困)|里面还有人",
        r"烧焦的?(?:味道|味)[^。!?]{0,12}(?:不应|不开门|没人应|没反应)|(?:不应|不开门|没人应)[^。!?]{0,12}烧焦",
        r"煤气泄漏|燃气泄漏|一氧化碳中毒|煤气中毒|头晕[^,。!?]{0,4}(?:倒|吐)|有人头晕|(?:刺鼻|有毒)[^,。!?]{0,6}(?:气味|味道|气体)[^。!?]{0,12}(?:咳|晕|倒|喘|吐)",
        # Someone in the water or gone under: 掉进湖里, 在水里扑腾, 好久没上来.
        r"(?:掉|落|跌|摔|滑|栽)(?:进|到|入|下)(?:了)?[^,。!?]{0,6}(?:湖|河|江|海|池|塘|水|井|水库)|(?:水|池|湖|河|江)(?:里|中|底)[^,。!?]{0,6}(?:扑腾|挣扎|沉|呛|喊|一动不动|趴着)|被水冲走|被冲走|沉下去|没浮上来|好久没(?:上来|浮上来|露头)|沉到(?:水)?底",
        r"(?:满脸|满头|一脸|一头|脸上全|头上全|头上都|脸上都)是?血|血(?:一直|不停)?(?:往外)?(?:喷|涌)|血止不住|止不住血|(?:他|她|人)(?:已经)?不动了|(?:突然|当场)倒地|倒在(?:地上|走廊|楼道|路边|门口|操场|血泊)",
        r"触电|被电(?:到|击)|抽搐|口吐白沫|嘴边有白沫|没(?:有)?了?(?:呼吸|心跳)|突然倒下|倒下了|心肺复苏[^,。!?]{0,8}(?:在做|正在|哪里|aed)|aed|心脏骤停",
        r"(?:晕|昏)倒[^,。!?]{0,8}(?:叫不醒|不醒|没反应|一动不动)|叫不醒|叫不太醒|怎么叫都不醒|不省人事|昏迷|一动不动|没有?反应",
        r"(?:有人|他|她|里面|同学)[^,。!?]{0,8}(?:喊救命|呼救|扑腾|挣扎)|一直(?:没|不)醒|[晕昏](?<!差点.)(?<!快.)(?<!差点儿.)(?:过去|倒)了|(?:叫|喊)不应|卡在半空|往下掉|(?:釜|罐|瓶|炉|锅|管道|煤气|燃气|电池|充电宝|仪器|设备)[^,。!?]{0,3}(?:爆炸|炸了)|炸伤|被炸|没有?意识|失去意识|呼吸(?:很|特别|非常)?困难|出不来|(?:掉|摔|坠|跌)下去了|坠楼|躺在地上不动|溅到眼睛|噎住|卡住喉咙|喘不上气|脸都紫|嘴唇发紫|说不出话|溺水|落水|被困|大出血|流了好多血|血流不止|摔下来[^。]{0,12}(?:血|不动|回应)",
    )),
}
# Safety when the danger is violence or an accident; mental for everything self-directed.
SAFETY_FAMILIES = frozenset({"violence", "emergency"})

# Frames: suicide and death discussed, taught, filmed, quoted, or practised, not happening.
_FRAME = re.compile(
    r"课(?:程|要|的|老师|讨论|论文|作业|分析)|分析|赏析|诗|烧烤|火锅|团建|生命教育|讲座|培训|演练|论文题|写一份|报告会|关于|这本书|一本书|书里|书中|读书会"
    r"|电影|纪录片|电视剧|小说|剧本|话剧|戏里|的戏|道具|新闻|热搜|网红|评论|问卷|调查|科普|宣传|预防|防范|干预培训|案例|哲学|加缪"
    r"|主题班会|心理委员|志愿者|模拟|法庭|案子|游戏里|歌词|微博上|网上有人|网友|帖子|评论区|博主|下面(?:好多|很多|一堆)人"
)
# Past and resolved: 去年想过轻生现在好多了, 高中自残过, 之前说过想死、现在吃药控制得好.
_PAST = re.compile(
    r"[0-9一二两三四五六七八九十几半]+(?:年|个月)(?:前|以前)|前几年|几年前|前些年|当年|那会儿|的时候|一阵子|那阵子|大[一二三四]那|(?:大|初|高)[一二三四]时|刚入学|去年|前年|以前|之前|曾经|那年|那时候|那段时间|高中|高三|初中|小时候|上学期|很久以前|有一段|有段时间|过去|之前说过|一段很黑暗"
)
_RESOLVED = re.compile(
    r"人已经醒|伤好了|已经醒了|没事了|(?:被)?救(?:上来|出来)了?[^,。!?]{0,4}(?:送医|没事|醒)|送(?:到)?医院了|现在(?:已经)?(?:完全|基本)?(?:好多了|挺好|很好|好了|稳定|没事|状态很好|控制得|走出来)|已经(?:完全|基本)?(?:走出来|稳定|好了|没事|调解|送医|处理)|好几年没有了"
    r"|[一二两三四五六七八九十几好多半]+(?:年|个月)多?(?:都)?没(?:有)?(?:再)?(?:犯|发作|有过|做过)?(?:过)?了"
    r"|状态(?:很|挺)好|控制得(?:挺|很)?好|是很久以前的事|恢复得|(?:早就|已经|再也)没(?:有)?(?:那种|这种|那样的|这样的|这个|这些|那些)?(?:想法|念头)了"
)
# The writer denies any risk: 不过没有想不开; 没有什么极端的想法; 不会做傻事.
_DENIAL = re.compile(
    r"没有?(?:任何|什么)?(?:想不开|什么极端|极端的?想法|轻生的?念头|想死)|没有?(?:任何|什么)?(?:想|要|去)?(?:伤害自己|自杀|轻生|自残|结束生命)的?(?:想法|念头|打算|冲动)|没有?(?:想过|打算|要)(?:去)?(?:自杀|轻生|死|伤害自己)"
    r"|不会(?:去)?(?:做傻事|想不开|自杀|轻生)|不是(?:真的)?想(?:死|自杀)"
)
# Hypothetical danger: 万一有人溺水怎么办, 怕哪天着火.
_HYPOTHETICAL = re.compile(r"万一|假如|(?:如果|要是)有人|怕哪天|担心|会不会有人|容易(?:出事|掉|摔|溺|着火|起火)")
# Someone else is the subject: a roommate, a friend, a student the writer reports.
_OTHER = re.compile(
    r"室友|舍友|同寝|下铺|上铺|同学|朋友|学长|学姐|学弟|学妹|表弟|表妹|男朋友|女朋友|对象|女生|男生|学生|孩子|他|她|(?<!所)有人|那个人"
)
# Drills and first-aid courses act out emergencies.
_DRILL = re.compile(r"演练|培训|模拟|假装|演习|演示|急救课|安全课|教(?:我们|大家|怎么)|防(?:溺水|火|灾|触电|中毒)|安全教育|教育课|讲座|宣传|知识")
# Already dealt with: 已经送医没事了, 人已经醒了.
_SETTLED_NOW = re.compile(r"已经(?:被)?(?:送医|没事|醒了|调解|处理|好了|救上来)|人已经醒|伤好了|没事了")
# Hyperbole with a way forward: a bare 真想死 beside the writer's own next step (下周补考我会努力的, 明天继续改).
_WEAK_WISH = re.compile(r"(?:好|很|真)?想死")
_WAY_FORWARD = re.compile(
    r"(?:会|一定会?|一定要)(?:好好|继续|认真|再)?(?:努力|加油|准备|复习|学|改|重做|练)"
    r"|下次(?:我)?(?:一定|会|争取|好好|再考|再试|注意)|(?<!不想)(?<!不想再)继续(?:改|复习|学|努力|写|做|练|刷|加油)|加油吧|争取"
    r"|(?:下周|下次|下个月|明天|这周|周末|过几天)[^,。!?]{0,4}(?:补考|重修|重考|补测|再考|再约|再查|再交|重做|再做)"
    r"|(?:重做|重来|再来|再改)(?:一遍|一次|一下)?吧|从头再来"
)
# A minor accident already treated: 被玻璃划了个小口子，已经包扎了; 切水果划到手了 血止住了.
_ACCIDENT = re.compile(
    r"被[^,。!?]{0,6}(?:划|割|烫|砸|扎|夹|咬|撞|碰|磕|踢)|(?:划|割|切|烫|扎|磕|碰|摔|夹)(?:到|伤|破)|崴|扭伤|擦破|擦伤"
)
_TREATED = re.compile(r"包扎|创可贴|碘伏|消毒|止住了|冲了?凉水|冰敷|涂了|擦了药|上了药|处理(?:过|好)?了|缝了[几两三]?针|打了破伤风")
_ON_PURPOSE = re.compile(r"自己|自残|故意|停不下来|忍不住")
# A one-off fault already over, told to get something repaired: 插座冒过一次烟, 热水器冒烟了一次.
_ONCE = re.compile(r"(?:冒|起|着|打)(?:过|了)?(?:一|两|几)?次?(?:烟|火花?)(?:了)?[^,。!?]{0,2}(?:一|两|几)次|(?:冒|起|着)过(?:一次|两次|几次)?(?:烟|火)")
_ENDS = ("。", "!", "?", "\n")


@dataclass(frozen=True)
class Signal:
    """One rule that fired: its family, who it is about, and the words that fired it."""

    family: str  # wish, passive, plan, farewell, self_harm, hopeless, violence, emergency
    who: str  # self or other
    words: str

    def label(self) -> str:
        """Return "plan:other" style labels for logs and tests."""
        return f"{self.family}:{self.who}"


@dataclass(frozen=True)
class Reading:
    """What the rules read in a message: the signals that hold, those muted, and whether death was only a topic."""

    held: tuple[Signal, ...]
    muted: tuple[Signal, ...]
    topical: bool  # a signal was set aside as a topic (a film, a lecture, a post quoted from strangers)


# Compiled with every branch led by a literal: the same matches, found several times faster (bot/parse/literals.py).
_FAMILY_RES = tuple((family, re.compile(lead_with_literals(pattern))) for family, pattern in _FAMILIES.items())


def framed(text: str) -> bool:
    """Tell whether a message talks about death or distress as a topic (a course, a film, the news)."""
    return bool(_FRAME.search(text))


def settled(text: str) -> bool:
    """Tell whether a message frames its danger as past and resolved, denies any, or is a minor accident treated."""
    return bool(
        _DENIAL.search(text)
        or (_RESOLVED.search(text) and (_PAST.search(text) or _SETTLED_NOW.search(text)))
        or (_ACCIDENT.search(text) and _TREATED.search(text) and not _ON_PURPOSE.search(text))
    )


def hyperbolic(text: str) -> bool:
    """Tell whether a bare wish to die comes with the writer's own next step (考砸了真想死，下周补考我会努力的)."""
    return bool(_WEAK_WISH.search(text) and _WAY_FORWARD.search(text))


def quiets_model(text: str, reading: Reading | None = None) -> bool:
    """Tell whether the model alone may not page on a message (read(text) again unless its reading is given).

    It may not when the message is settled, hyperbole with a way forward, or names death only as a topic (a
    post quoted from strangers, a film): the rules read those words and set them aside.
    """
    return settled(text) or hyperbolic(text) or (reading or read(text)).topical


def crisis_signals(text: str) -> tuple[Signal, ...]:
    """Return the crisis signals in a normalised message that hold after their modifiers."""
    return read_signals(text)[0]


def read_signals(text: str) -> tuple[tuple[Signal, ...], tuple[Signal, ...]]:
    """Return (held, muted): the signals that hold, and those muted as past and resolved or denied."""
    found = read(text)
    return found.held, found.muted


def read(text: str) -> Reading:
    """Read a normalised message's signals with their modifiers, in one scan per family.

    Framed signals (a lecture, a film) are dropped: they are nobody's distress, and they mark the message topical.
    """
    held: list[Signal] = []
    muted: list[Signal] = []
    topical = False
    for family, pattern in _FAMILY_RES:
        for match in pattern.finditer(text):  # one scan of the whole text; most messages match nothing
            start = max(text.rfind(end, 0, match.start()) for end in _ENDS) + 1
            sentence = _sentence(text, match)
            who = "other" if _OTHER.search(text, start, match.end()) else "self"
            signal = Signal(family, who, match.group(0))
            if not _discounted(family, sentence, text, match.group(0)):
                held.append(signal)
                break
            framed = bool(_FRAME.search(sentence)) and not settled(text)  # the writer's own past stays theirs
            topical = topical or framed
            if not (framed or (family in SAFETY_FAMILIES and _acted_or_feared(sentence))):
                muted.append(signal)  # past and resolved or denied: distress still worth a look (watch)
    return Reading(tuple(held), tuple(muted), topical)


def _sentence(text: str, match: re.Match[str]) -> str:
    """Return the sentence a match stands in."""
    start = max(text.rfind(end, 0, match.start()) for end in _ENDS) + 1
    stops = [i for i in (text.find(end, match.end()) for end in _ENDS) if i >= 0]
    return text[start : min(stops, default=len(text))]


def _acted_or_feared(sentence: str) -> bool:
    """Tell whether an emergency is a drill, a first-aid class, or only feared (万一有人溺水)."""
    return bool(_DRILL.search(sentence) or _HYPOTHETICAL.search(sentence))


def _discounted(family: str, sentence: str, text: str, words: str) -> bool:
    """Tell whether a signal is framed, past and resolved, denied or hyperbole (emergencies only when resolved)."""
    if family == "wish" and _WEAK_WISH.fullmatch(words) and hyperbolic(text):
        return True
    if family in SAFETY_FAMILIES:
        return bool(_RESOLVED.search(text) or _ONCE.search(sentence)) or _acted_or_feared(sentence)
    return settled(text) or bool(_FRAME.search(sentence))
