"""The subscribers' texts in English and Arabic: /start, /help, the lists, toasts, menus.

Keys starting with `toast_`, `cmd_`, `nav_` or `alerts_button_` are plain text (callback
toasts, command menus, buttons), so they hold no markup; the rest is Telegram HTML.
"""

from __future__ import annotations

from bot.catalogue.keys import ReaderKey

EN: dict[ReaderKey, str] = {
    "start": (
        "👋 This is the <b>{site}</b> news bot.\n\n"
        "Every new story appears in our channel. Press ⭐ under any post there to save it "
        "for later, then find it here with /favorites.\n\n"
        "/latest shows the newest stories, /search finds any of them. "
        "Send /help to see everything I can do."
    ),
    "help": (
        "<b>{site}</b> news bot\n\n"
        "/latest — the newest stories (or /latest <i>category</i>)\n"
        "/breaking — breaking news of the last 24 hours\n"
        "/search <i>words</i> — search every story\n"
        "/categories — browse by category\n"
        "/favorites — the stories you saved\n"
        "/popular — the most saved stories of the last 24 hours\n"
        "/alerts on|off — breaking news by private message\n"
        "/language — English or Arabic\n"
        "/help — this list\n\n"
        "To save a story, press ⭐ under its post in the channel."
    ),
    "toast_saved": "Saved to your favorites — open @{bot} to see them",
    "alert_breaking": "🔴 <b>Breaking news</b>\n\n{story}\n\n<i>/alerts off stops these.</i>",
    "alert_open_post": "Open in the channel",
    "toast_removed": "Removed from your favorites",
    "toast_unavailable": "Sorry, this story is no longer available.",
    "toast_invalid": "Sorry, this button no longer works.",
    "toast_slow_down": "You're going a bit fast — please wait a few seconds.",
    "toast_store_unavailable": "Can't reach the news store right now — try again in a minute.",
    "store_unavailable": (
        "newsdesk can't reach its news store right now — please try again in a minute."
    ),
    "toast_expired": "This list has expired — please send the command again.",
    "slow_down": (
        "You're sending messages very quickly — please wait a few seconds, then try again."
    ),
    "fav_saved": "⭐ Saved to your favorites: <b>{title}</b>\n\nSee them all with /favorites.",
    "article_unavailable": "Sorry, this story is no longer available.",
    "favorites_title": "⭐ <b>Your favorites</b> · page {page}",
    "favorites_empty": (
        "You have no favorites yet.\n\n"
        "Press ⭐ under any post in {channel} and it will appear here."
    ),
    "our_channel": "our channel",
    "latest_title": "🗞 <b>Latest news</b> · page {page}",
    "latest_category_title": "🗞 <b>Latest in {category}</b> · page {page}",
    "latest_empty": "No stories have been posted yet.",
    "latest_unknown_category": "There is no category “{category}”. See /categories.",
    "breaking_title": "🔴 <b>Breaking news</b> · last 24 hours",
    "breaking_none": "No breaking news right now.",
    "categories_title": "🗂 <b>Categories</b>\nTap one to see its latest stories.",
    "categories_empty": "There are no categories yet.",
    "search_usage": (
        "Send /search followed by the words to look for, for example:\n"
        "<code>/search elections</code>"
    ),
    "search_title": "🔎 <b>Results for</b> “{query}” · page {page}",
    "search_none": "Nothing found for “{query}”. Try other words.",
    "alerts_on": "🔔 Breaking-news alerts are <b>on</b>: each breaking story will reach you here.",
    "alerts_off": "🔕 Breaking-news alerts are <b>off</b>.",
    "alerts_usage": "Send /alerts on or /alerts off, or use the buttons.",
    "alerts_button_on": "🔔 Turn on",
    "alerts_button_off": "🔕 Turn off",
    "language_prompt": "Choose the language I use with you:",
    "language_set": "✅ I will speak English with you from now on.",
    "unknown_command": "I don't know that command. Send /help to see what I can do.",
    "text_hint": "To search the news, send /search followed by words; /help lists everything.",
    "group_hint": "I answer in private chat — open @{bot}.",
    "nav_prev": "‹ Prev",
    "nav_next": "Next ›",
    "save_button": "⭐ Save",
    "read_more": "Read more",
    "cmd_start": "Welcome, and how to save stories",
    "cmd_help": "What I can do",
    "cmd_latest": "The newest stories",
    "cmd_breaking": "Breaking news",
    "cmd_search": "Search the news",
    "cmd_categories": "Browse by category",
    "cmd_favorites": "Your saved stories",
    "cmd_alerts": "Breaking-news alerts on or off",
    "cmd_language": "English or Arabic",
    "cmd_admin_breaking": "Breaking news: show, or publish (editors)",
    "cmd_retract": "Retract a posted story",
    "cmd_status": "Publishing health and queue",
    "cmd_pause": "Pause automatic publishing",
    "cmd_resume": "Resume automatic publishing",
    "cmd_post": "Post an article now",
    "cmd_retry": "Retry a failed post",
    "cmd_skip": "Do not post an article",
    "cmd_audit": "Recent editor actions",
    "cmd_top": "Stories readers did most with",
    "cmd_story": "One story's figures",
    "cmd_popular": "Most saved in the last 24 hours",
    "popular_title": "🔥 <b>Most saved</b> · last 24 hours",
    "popular_none": (
        "Nothing has been saved in the last 24 hours yet. See the newest stories with /latest."
    ),
    # The daily digest's heading in the channel (the renderer makes it bold, adds the date).
    "digest_title": "📰 Today's top stories",
}

AR: dict[ReaderKey, str] = {
    "start": (
        "👋 هذا بوت أخبار <b>{site}</b>.\n\n"
        "تظهر كل الأخبار الجديدة في قناتنا. اضغط ⭐ تحت أي منشور هناك لحفظه لوقت لاحق، "
        "ثم تجده هنا عبر /favorites.\n\n"
        "يعرض /latest أحدث الأخبار، ويجد /search أي خبر منها. "
        "أرسل /help لمعرفة كل ما يمكنني فعله."
    ),
    "help": (
        "بوت أخبار <b>{site}</b>\n\n"
        "/latest — أحدث الأخبار (أو /latest <i>القسم</i>)\n"
        "/breaking — الأخبار العاجلة خلال آخر 24 ساعة\n"
        "/search <i>كلمات</i> — البحث في كل الأخبار\n"
        "/categories — تصفّح حسب القسم\n"
        "/favorites — الأخبار التي حفظتها\n"
        "/popular — الأخبار الأكثر حفظًا في آخر 24 ساعة\n"
        "/alerts on|off — الأخبار العاجلة برسالة خاصة\n"
        "/language — العربية أو الإنجليزية\n"
        "/help — هذه القائمة\n\n"
        "لحفظ خبر، اضغط ⭐ تحت منشوره في القناة."
    ),
    "toast_saved": "حُفظ في مفضلتك — افتح @{bot} لعرضها",
    "alert_breaking": "🔴 <b>خبر عاجل</b>\n\n{story}\n\n<i>لإيقاف هذه التنبيهات: /alerts off</i>",
    "alert_open_post": "افتح في القناة",
    "toast_removed": "أُزيل من مفضلتك",
    "toast_unavailable": "عذرًا، هذا الخبر لم يعد متاحًا.",
    "toast_invalid": "عذرًا، هذا الزر لم يعد يعمل.",
    "toast_slow_down": "أنت سريع قليلًا — انتظر بضع ثوانٍ من فضلك.",
    "toast_store_unavailable": "تعذّر الوصول إلى مخزن الأخبار الآن — حاول بعد دقيقة.",
    "store_unavailable": "لا يستطيع newsdesk الوصول إلى مخزن الأخبار الآن — حاول مجددًا بعد دقيقة.",
    "toast_expired": "انتهت صلاحية هذه القائمة — أرسل الأمر مرة أخرى من فضلك.",
    "slow_down": "أنت ترسل الرسائل بسرعة كبيرة — انتظر بضع ثوانٍ ثم حاول مجددًا.",
    "fav_saved": "⭐ حُفظ في مفضلتك: <b>{title}</b>\n\nاعرضها كلها عبر /favorites.",
    "article_unavailable": "عذرًا، هذا الخبر لم يعد متاحًا.",
    "favorites_title": "⭐ <b>مفضلتك</b> · صفحة {page}",
    "favorites_empty": (
        "لا توجد أخبار في مفضلتك بعد.\n\nاضغط ⭐ تحت أي منشور في {channel} وسيظهر هنا."
    ),
    "our_channel": "قناتنا",
    "latest_title": "🗞 <b>آخر الأخبار</b> · صفحة {page}",
    "latest_category_title": "🗞 <b>آخر أخبار {category}</b> · صفحة {page}",
    "latest_empty": "لم يُنشر أي خبر بعد.",
    "latest_unknown_category": "لا يوجد قسم باسم «{category}». اطّلع على /categories.",
    "breaking_title": "🔴 <b>أخبار عاجلة</b> · آخر 24 ساعة",
    "breaking_none": "لا توجد أخبار عاجلة الآن.",
    "categories_title": "🗂 <b>الأقسام</b>\nاضغط على قسم لعرض آخر أخباره.",
    "categories_empty": "لا توجد أقسام بعد.",
    "search_usage": (
        "أرسل /search متبوعًا بالكلمات التي تبحث عنها، مثلًا:\n<code>/search انتخابات</code>"
    ),
    "search_title": "🔎 <b>نتائج البحث عن</b> «{query}» · صفحة {page}",
    "search_none": "لم يُعثر على شيء عن «{query}». جرّب كلمات أخرى.",
    "alerts_on": "🔔 تنبيهات الأخبار العاجلة <b>مفعّلة</b>: سيصلك كل خبر عاجل هنا.",
    "alerts_off": "🔕 تنبيهات الأخبار العاجلة <b>متوقفة</b>.",
    "alerts_usage": "أرسل /alerts on أو /alerts off، أو استخدم الأزرار.",
    "alerts_button_on": "🔔 تفعيل",
    "alerts_button_off": "🔕 إيقاف",
    "language_prompt": "اختر اللغة التي أستخدمها معك:",
    "language_set": "✅ سأتحدث معك بالعربية من الآن.",
    "unknown_command": "لا أعرف هذا الأمر. أرسل /help لمعرفة ما يمكنني فعله.",
    "text_hint": "للبحث في الأخبار أرسل /search متبوعًا بكلمات؛ ويعرض /help كل الأوامر.",
    "group_hint": "أجيب في المحادثة الخاصة — افتح @{bot}.",
    "nav_prev": "السابق",
    "nav_next": "التالي",
    "save_button": "⭐ حفظ",
    "read_more": "اقرأ المزيد",
    "cmd_start": "الترحيب وطريقة حفظ الأخبار",
    "cmd_help": "ما الذي يمكنني فعله",
    "cmd_latest": "أحدث الأخبار",
    "cmd_breaking": "الأخبار العاجلة",
    "cmd_search": "البحث في الأخبار",
    "cmd_categories": "تصفّح حسب القسم",
    "cmd_favorites": "الأخبار التي حفظتها",
    "cmd_alerts": "تفعيل أو إيقاف تنبيهات الأخبار العاجلة",
    "cmd_language": "العربية أو الإنجليزية",
    "cmd_admin_breaking": "الأخبار العاجلة: عرض أو نشر (للمحررين)",
    "cmd_retract": "سحب خبر منشور",
    "cmd_status": "حالة النشر والطابور",
    "cmd_pause": "إيقاف النشر التلقائي مؤقتًا",
    "cmd_resume": "استئناف النشر التلقائي",
    "cmd_post": "نشر مقال الآن",
    "cmd_retry": "إعادة محاولة منشور فاشل",
    "cmd_skip": "عدم نشر مقال",
    "cmd_audit": "آخر إجراءات المحررين",
    "cmd_top": "الأخبار الأكثر تفاعلًا",
    "cmd_story": "أرقام خبر واحد",
    "cmd_popular": "الأكثر حفظًا في آخر 24 ساعة",
    "popular_title": "🔥 <b>الأكثر حفظًا</b> · آخر 24 ساعة",
    "popular_none": ("لم يحفظ أحد أي خبر في آخر 24 ساعة بعد. اطّلع على أحدث الأخبار عبر /latest."),
    "digest_title": "📰 أبرز أخبار اليوم",
}
