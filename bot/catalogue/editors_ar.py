"""The editors' texts in Arabic: command replies, notices, buttons, /status.

Written for a news desk, in Modern Standard Arabic. Placeholders and HTML tags are those of the
English texts (a test holds them equal); counts go through the six Arabic plural forms
(`bot.catalogue.plurals`): "مصدر واحد", "مصدران", "3 مصادر", "11 مصدرًا", "100 مصدر".
Lines open with Arabic wherever the sentence allows, so they lay out right to left.
"""

from __future__ import annotations

from bot.catalogue.keys import EditorKey, PluralKey
from bot.catalogue.plurals import Category

TEXTS: dict[EditorKey, str] = {
    # --- the editors' gate and shared pieces
    "editors_only": "هذا الأمر مخصّص للمحررين.",
    "toast_editors_only": "هذا مخصّص للمحررين.",
    "button_expired": "هذا الزر لم يعد يعمل.",
    "usage_article_id": "الاستخدام: <code>/{command} &lt;رقم المقال&gt;</code>",
    "time_never": "لم يحدث بعد",
    "time_at": "{time} ({day} {month})",
    "time_ago": "منذ {ago}",
    "time_at_ago": "{when}، منذ {ago}",
    "duration_hours_minutes": "{hours} و{minutes}",
    "no_article": "لا يوجد مقال برقم {id}.",
    "article_sending": "المقال {id} قيد الإرسال الآن.",
    "article_sending_later": "المقال {id} قيد الإرسال الآن: حاول مجددًا بعد لحظات.",
    "not_posted": "❌ لم يُنشر: {error}",
    "state_pending": "في الانتظار",
    "state_sending": "قيد الإرسال",
    "state_posted": "منشور",
    "state_failed": "متعثّر",
    "state_skipped": "مستبعد",
    "state_uncertain": "غير مؤكد",
    "state_not_queued": "خارج طابور النشر",
    # --- commands held while the bot was offline
    "held_ask": (
        "⏳ أرسلت هذا الأمر الساعة {at}، منذ {late}، وكنتُ متوقفًا عن العمل، فلم أنفّذه:\n"
        "<code>{typed}</code>\nهل أنفّذه الآن؟"
    ),
    "button_run_held": "▶️ نفّذه الآن",
    "button_drop_held": "✖️ تجاهله",
    "held_decided": "سبق أن اتُّخذ قرار بشأن هذا الأمر.",
    "held_dropped": "✖️ تم تجاهله؛ لم يُنفَّذ شيء.",
    "held_expired": "⌛ فات وقت تنفيذه؛ أرسل الأمر من جديد.",
    # --- /pause, /resume, /post, /retry, /skip, /audit
    "pause_already": "النشر متوقف بالفعل ({reason}). أرسل /resume لاستئنافه.",
    "pause_reason": "أوقفه {name} الساعة {when}",
    "paused": (
        "⏸ أُوقف النشر التلقائي مؤقتًا. الأخبار العاجلة والأمر /post يعملان كالمعتاد. "
        "أرسل /resume لاستئنافه."
    ),
    "resume_not_paused": "النشر ليس متوقفًا.",
    "resumed": "▶️ استُؤنف النشر التلقائي.",
    "channel_unknown": "لا توجد قناة باسم «{name}». القنوات: {names}.",
    "paused_channel": (
        "⏸ أُوقف النشر التلقائي في {channel} مؤقتًا. الأخبار العاجلة والأمر /post يعملان "
        "كالمعتاد. أرسل <code>/resume {channel}</code> لاستئنافه."
    ),
    "resumed_channel": "▶️ استُؤنف النشر التلقائي في {channel}.",
    "resume_channel_not_paused": "النشر في {channel} ليس متوقفًا.",
    "status_channel": (
        "📣 <b>{channel}</b> · {state} · الطابور {pending} · آخر منشور {last} · التأخر {lag}"
    ),
    "status_channel_running": "يعمل",
    "status_channel_paused": "⏸ متوقف ({reason})",
    "post_channel_failed": "❌ لم يُنشر في {channel}: {error}",
    "post_bad_link": (
        "❌ تعذّر جلب هذا الرابط: {error}. أرسل العنوان الكامل للمقال <code>https://…</code>."
    ),
    "post_timeout": "❌ استغرقت قراءة الصفحة وقتًا أطول من اللازم ({error}).",
    "post_unreadable": "❌ تعذّرت قراءة هذه الصفحة: {error}",
    "post_usage": "أرسل <code>/post 123</code> أو <code>/post https://…</code>.",
    "post_done": "✅ نُشر المقال {id}: {link}",
    "post_retracted": "المقال {id} مسحوب.",
    "post_posted_already": (
        "المقال {id} منشور بالفعل (الأمر <code>/breaking {id}</code> يعيد نشره)."
    ),
    "retry_refused": "حالة المقال {id}: {state}. لا تُعاد المحاولة إلا للمقالات المتعثّرة "
    "أو غير المؤكدة.",
    "retry_queued": "🔁 أُعيد المقال {id} إلى طابور النشر.",
    "retry_queued_paused": (
        "🔁 أُعيد المقال {id} إلى طابور النشر (النشر متوقف: سيُنشر بعد /resume)."
    ),
    "skip_refused": "حالة المقال {id}: {state}؛ لم يتغيّر شيء.",
    "skip_refused_posted": "حالة المقال {id}: {state}؛ لم يتغيّر شيء (الأمر /retract يسحبه).",
    "skip_done": "⏭ لن يُنشر المقال {id}.",
    "audit_empty": "لم يُسجَّل أي إجراء للمحررين بعد.",
    "audit_title": "🧾 <b>آخر إجراءات المحررين</b> (الأحدث أولًا)",
    # --- /retract
    "retract_already": "المقال {id} مسحوب بالفعل.",
    "retract_ask_posted": (
        "🗑 هل تريد سحب المقال {id}، <b>{title}</b> (نُشر الساعة {when})؟\n"
        "سيُحذف منشوره من القناة، وسيُبلَّغ من يضغط ⭐ عليه بأنه لم يعد متاحًا."
    ),
    "retract_ask_unposted": (
        "🗑 هل تريد سحب المقال {id}، <b>{title}</b> (لم يُنشر)؟\n"
        "لن يُنشر أبدًا، وسيُبلَّغ من يضغط ⭐ عليه بأنه لم يعد متاحًا."
    ),
    "button_retract": "🗑 نعم، اسحبه",
    "button_keep": "أبقِه",
    "retract_kept": "أُبقي عليه: لم يُسحب المقال {id}.",
    "retract_done": "🗑 سُحب المقال {id}.",
    "retract_post_unknown": "⚠️ لا أعرف أي منشور في القناة هو: احذفه يدويًا.",
    "retract_post_gone": "كان المنشور قد حُذف من القناة من قبل.",
    "retract_delete_failed": "⚠️ تعذّر حذف المنشور من القناة ({error}): احذفه يدويًا.",
    "retract_post_deleted": "حُذف المنشور من القناة.",
    # --- /breaking
    "breaking_label": "🔴 عاجل",
    "breaking_usage": (
        "أرسل <code>/breaking نص الخبر</code> (يصبح أي رابط فيه زرّ «اقرأ المزيد»، وللنشر مع "
        "صورة أرسل الأمر ردًّا عليها)، أو <code>/breaking 123</code> لدفع المقال 123 عاجلًا."
    ),
    "breaking_too_long": "عدد أحرف النص {length}، والحد الأقصى للمنشور {limit}.",
    "breaking_retracted": "المقال {id} مسحوب؛ لا يمكن نشره عاجلًا.",
    "button_publish": "✅ انشر",
    "breaking_channel_gone": "لم تعد هذه القناة ضمن الإعدادات.",
    "breaking_channels": "يُنشر في: {channels}",
    "breaking_channels_none": "لا قناة بعد",
    "breaking_no_channel": "اختر قناة واحدة على الأقل (✅) قبل النشر.",
    "button_cancel": "✖️ إلغاء",
    "button_post_again": "🔁 انشره مجددًا",
    "breaking_cancelled": "✖️ أُلغي. لم يُنشر شيء.",
    "breaking_repeat": "⚠️ نُشر الخبر العاجل نفسه الساعة {when}. هل تنشره مجددًا؟",
    "preview_gone": "هذه المعاينة لم تعد موجودة.",
    "preview_published": "نُشر بالفعل — لم يُنشر شيء مرتين.",
    "preview_cancelled": "أُلغيت هذه المعاينة؛ لم يُنشر شيء.",
    "preview_failed": "تعثّر نشر هذه المعاينة؛ لم يُنشر شيء.",
    "preview_closed": "حالة هذه المعاينة: {state}؛ لم يُنشر شيء.",
    "breaking_uncertain": (
        "⚠️ لست متأكدًا من وصوله إلى القناة ({error}). تحقّق من القناة قبل أي خطوة: "
        "المقال {id} مُعلَّم بأنه غير مؤكد، ويتيح لك التنبيه أدناه إعادة نشره أو تسجيله منشورًا."
    ),
    "breaking_failed": (
        "❌ لم يُنشر: {error}\nإنه المقال {id}: الأمر <code>/breaking {id}</code> يعيد المحاولة."
    ),
    "breaking_published": "✅ نُشر: {link}",
    "pin_failed": "⚠️ لم يُثبَّت: {error}",
    "pinned": "📌 ثُبّت.",
    "pinned_until": "📌 ثُبّت حتى {when}.",
    # --- /status
    "status_title": "📊 <b>الحالة</b>",
    "status_paused": "⏸ أوقف أحد المحررين النشر التلقائي ({reason}).",
    "status_blocked": "⛔ النشر معطّل: {reason}",
    "status_running": "▶️ النشر يعمل.",
    "status_queue": (
        "الطابور: في الانتظار {pending} · نُشر اليوم {today} · متعثّر {failed} · "
        "غير مؤكد {uncertain} · مستبعد {skipped}"
    ),
    "status_last_post": "آخر منشور: {last}",
    "status_lag": "التأخر (أقدم مقال منتظر): {lag}",
    "status_lag_none": "لا يوجد",
    "status_alert": (
        "🔔 تنبيه «{title}»: أُنجز {done}/{total} · أُرسل {sent} · تعثّر {failed} · محظور {blocked}"
    ),
    "status_no_alerts": "🔔 لا تنبيهات قيد الإرسال.",
    "status_alert_pace": "    ⏱ {rate} في الثانية · يتبقى نحو {left}",
    "status_alert_eta": "    ⏱ يتبقى نحو {left}",
    "alert_reach_none": "📣 لم يفعّل أي قارئ التنبيهات: لن يصل التنبيه إلى أحد.",
    "status_uptime": "يعمل منذ {uptime} · newsdesk {version}",
    "sources_summary": "<b>{group}</b>: {names}{more}",
    "source_failing": "🔴 {name}: متعثّر منذ {since} ({error})",
    "source_waiting": "⚪ {name}: لم يُجلب بعد",
    "source_ok": "🟢 {name}: يعمل، آخر جلب منذ {ago}",
    # --- notices to every editor
    "notice_resumed": "✅ استُؤنف النشر: القناة تقبل المنشورات من جديد.",
    "notice_store_down": (
        "⚠️ لا يستطيع newsdesk الوصول إلى مخزن الأخبار ({where}): {reason}\n"
        "يُطلب من القرّاء المحاولة بعد دقيقة؛ تنتظر المنشورات، ولا يضيع شيء مما أُرسل. "
        "سنخبرك حين يعود المخزن إلى العمل."
    ),
    "notice_store_back": "✅ عاد مخزن الأخبار ({where}) إلى العمل؛ يُستأنف النشر.",
    "notice_channel_lost": (
        "⛔ <b>توقف النشر</b>: لا يستطيع البوت النشر في {channel} ({error}).\n"
        "اجعل البوت مشرفًا في القناة مع صلاحية النشر؛ سأواصل المحاولة وأستأنف من تلقاء نفسي. "
        "لن يضيع شيء."
    ),
    "notice_uncertain": (
        "⚠️ <b>لست متأكدًا من وصول هذا إلى القناة</b> ({why}):\n<b>{title}</b> (المقال {id}).\n"
        "تحقّق من القناة ثم اختر. لن أعيد نشره من تلقاء نفسي."
    ),
    "uncertain_timeout": "لم يردّ تيليغرام في الوقت المحدد",
    "uncertain_stopped": "توقف البوت أثناء إرساله",
    "uncertain_untitled": "المقال {id}",
    "button_uncertain_again": "انشره مجددًا",
    "button_uncertain_done": "إنه منشور",
    "toast_uncertain_decided": "حُسم الأمر من قبل، أو لم يعد غير مؤكد.",
    "toast_uncertain_again": "أُعيد إلى طابور النشر.",
    "toast_uncertain_done": "سُجّل منشورًا.",
    "uncertain_again": "➡️ أُعيد إلى طابور النشر.",
    "uncertain_done": "✅ سُجّل منشورًا.",
    "set_aside_line": "• المقال {id}: {reason}",
    "alert_finished": (
        "🔔 <b>انتهى إرسال التنبيه</b>: «{title}»\n"
        "أُرسل {sent} · تعثّر {failed} · محظور {blocked} · خلال {took}"
    ),
    "alert_finished_uncertain": (
        "🔔 <b>انتهى إرسال التنبيه</b>: «{title}»\n"
        "أُرسل {sent} · تعثّر {failed} · محظور {blocked} · غير مؤكد {uncertain} · خلال {took}"
    ),
    "source_down": "المصدر {name} متعثّر منذ {minutes} ({attempts}). آخر خطأ: {error}",
    "source_back": "عاد المصدر {name} إلى العمل بعد تعثّر دام {minutes}.",
    "error_report": (
        "⚠️ <b>خطأ غير متوقع</b>: <code>{kind}</code>\n{error}\nأثناء معالجة: {update}\n"
        "(التتبّع الكامل في السجل. لا يُبلَّغ عن الخطأ نفسه أكثر من مرة كل {every}.)"
    ),
    # --- insight: /top و /story (أرقام فقط، دون أسماء)
    "insight_counts": "⭐ الحفظ: {saves} · التفاعلات: {reactions}",
    "insight_lines": "{lines}",
    "top_title": "📊 <b>أبرز الأخبار</b> · {period}",
    "top_period_today": "اليوم",
    "top_period_week": "آخر 7 أيام",
    "top_empty": "لم يُنشر أي خبر ({period}).",
    "top_usage": "الاستخدام: <code>/top [today|week] [القناة]</code>",
    "story_title": "📰 <b>{title}</b> · الخبر {id}",
    "story_published": "نُشر على الموقع {when}",
    "story_retracted": "⛔ مسحوب",
    "story_post": "• {channel}: نُشر {when}، بعد {lag} من نشره على الموقع",
    "story_post_no_lag": "• {channel}: نُشر {when}",
    "story_corrected": " · صُحّح {count} مرة",
    "story_no_reactions": "لا تفاعلات بعد",
    "story_saves": "⭐ الحفظ: {saves} (منها {first_hour} في الساعة الأولى)",
    "story_alerts": "📣 التنبيهات: وصل {sent}، ولم يصل {missed}",
    "story_not_posted": "📰 <b>{title}</b> · الخبر {id}\nلم يُنشر في أي قناة بعد.",
    "reaction_custom": "رموز مخصّصة",
    "reaction_paid": "⭐ مدفوعة",
    "digest_uncertain": (
        "⚠️ <b>لست متأكدًا من وصول ملخص أبرز الأخبار اليومي إلى {channel}</b> ({why})، {day}.\n"
        "تحقّق من القناة؛ لن أرسله مجددًا اليوم."
    ),
    "digest_failed": "⚠️ <b>لم يُنشر ملخص أبرز الأخبار اليومي في {channel}</b> ({day}): {error}",
    "scheduled_uncertain": (
        "⚠️ <b>لست متأكدًا من أن هذا أُرسل</b> ({why}): {what} لـ {target}، {period}.\n"
        "لن أرسله مجددًا."
    ),
    # --- the weekly report (bot.insight.weekly_text); chart_ keys are the picture's plain text
    "weekly_title": "📊 <b>التقرير الأسبوعي</b> · {first} – {last} ({period})",
    "weekly_days_head": "<b>يومًا بيوم</b> (📰 المنشورات · ⭐ الحفظ الجديد):",
    "weekly_day": "{day}: 📰 {posts} · ⭐ {saves}",
    "weekly_day_name": "{weekday} {day} {month}",
    "weekly_total": "<b>هذا الأسبوع</b>: المنشورات {posts} · الحفظ الجديد {saves}",
    "weekly_lag": "⏱ من النشر على الموقع إلى القناة: الوسيط {median} · المئين التسعون {p90}",
    "weekly_lag_none": "⏱ من النشر على الموقع إلى القناة: لا منشور معروف وقت نشره",
    "weekly_top_head": "🏆 <b>أبرز الأخبار</b> (⭐ الحفظ · 👍 التفاعلات):",
    "weekly_top_line": '{rank}. <a href="{link}">{title}</a> · ⭐ {saves} · 👍 {reactions}',
    "weekly_top_line_unlinked": "{rank}. {title} · ⭐ {saves} · 👍 {reactions}",
    "weekly_top_none": "🏆 لم يُنشر أي خبر هذا الأسبوع.",
    "weekly_categories_head": "🗂 <b>أبرز الأقسام</b> (📰 المنشورات · ⭐ الحفظ):",
    "weekly_category_line": "• {category}: 📰 {posts} · ⭐ {saves}",
    "weekly_uncategorised": "بلا قسم",
    "weekly_troubled": "⚠️ منشورات متعثّرة: {failed} · غير مؤكدة: {uncertain}",
    "weekly_readers": "👋 قرّاء بدأوا استخدام البوت: {started}",
    "weekly_opt_ins": "🔔 قرّاء فعّلوا التنبيهات (الآن): {opt_ins}",
    "weekly_more_below": "الأرقام في الرسالة التالية.",
    "chart_weekly_title": "المنشورات والحفظ الجديد يومًا بيوم",
    "chart_weekly_posts": "المنشورات",
    "chart_weekly_saves": "الحفظ الجديد",
    "insight_kind_weekly": "التقرير الأسبوعي",
}

PLURALS: dict[PluralKey, dict[Category, str]] = {
    "duration_seconds": {
        "zero": "{count} ثانية",
        "one": "ثانية واحدة",
        "two": "ثانيتين",
        "few": "{count} ثوانٍ",
        "many": "{count} ثانية",
        "other": "{count} ثانية",
    },
    "duration_minutes": {
        "zero": "{count} دقيقة",
        "one": "دقيقة واحدة",
        "two": "دقيقتين",
        "few": "{count} دقائق",
        "many": "{count} دقيقة",
        "other": "{count} دقيقة",
    },
    "duration_hours": {
        "zero": "{count} ساعة",
        "one": "ساعة واحدة",
        "two": "ساعتين",
        "few": "{count} ساعات",
        "many": "{count} ساعة",
        "other": "{count} ساعة",
    },
    "duration_days": {
        "zero": "{count} يوم",
        "one": "يوم واحد",
        "two": "يومين",
        "few": "{count} أيام",
        "many": "{count} يومًا",
        "other": "{count} يوم",
    },
    "preview_stale": {
        "zero": "⌛ لم تُنشر هذه المعاينة لأنها تجاوزت مهلتها. أرسل /breaking من جديد إن "
        "كان الخبر لا يزال جديدًا.",
        "one": "⌛ مضت على هذه المعاينة أكثر من دقيقة فلم تُنشر. أرسل /breaking من جديد إن "
        "كان الخبر لا يزال جديدًا.",
        "two": "⌛ مضت على هذه المعاينة أكثر من دقيقتين فلم تُنشر. أرسل /breaking من جديد إن "
        "كان الخبر لا يزال جديدًا.",
        "few": "⌛ مضت على هذه المعاينة أكثر من {count} دقائق فلم تُنشر. أرسل /breaking من جديد "
        "إن كان الخبر لا يزال جديدًا.",
        "many": "⌛ مضت على هذه المعاينة أكثر من {count} دقيقة فلم تُنشر. أرسل /breaking من جديد "
        "إن كان الخبر لا يزال جديدًا.",
        "other": "⌛ مضت على هذه المعاينة أكثر من {count} دقيقة فلم تُنشر. أرسل /breaking من "
        "جديد إن كان الخبر لا يزال جديدًا.",
    },
    "alert_reach": {
        "zero": "📣 تنبيه إلى {count} قارئ، خلال {duration} تقريبًا",
        "one": "📣 تنبيه إلى قارئ واحد، خلال {duration} تقريبًا",
        "two": "📣 تنبيه إلى قارئَين، خلال {duration} تقريبًا",
        "few": "📣 تنبيه إلى {count} قرّاء، خلال {duration} تقريبًا",
        "many": "📣 تنبيه إلى {count} قارئًا، خلال {duration} تقريبًا",
        "other": "📣 تنبيه إلى {count} قارئ، خلال {duration} تقريبًا",
    },
    "alert_going_out": {
        "zero": "🔔 لا مشتركين يصلهم التنبيه (راجع /status).",
        "one": "🔔 التنبيه في طريقه إلى مشترك واحد (راجع /status).",
        "two": "🔔 التنبيه في طريقه إلى مشتركَين (راجع /status).",
        "few": "🔔 التنبيه في طريقه إلى {count} مشتركين (راجع /status).",
        "many": "🔔 التنبيه في طريقه إلى {count} مشتركًا (راجع /status).",
        "other": "🔔 التنبيه في طريقه إلى {count} مشترك (راجع /status).",
    },
    "sources_failing": {
        "zero": "لا مصادر متعثّرة",
        "one": "مصدر واحد متعثّر",
        "two": "مصدران متعثّران",
        "few": "{count} مصادر متعثّرة",
        "many": "{count} مصدرًا متعثّرًا",
        "other": "{count} مصدر متعثّر",
    },
    "sources_waiting": {
        "zero": "لا مصادر بانتظار الجلب",
        "one": "مصدر واحد لم يُجلب بعد",
        "two": "مصدران لم يُجلبا بعد",
        "few": "{count} مصادر لم تُجلب بعد",
        "many": "{count} مصدرًا لم يُجلب بعد",
        "other": "{count} مصدر لم يُجلب بعد",
    },
    "sources_ok": {
        "zero": "لا مصادر تعمل",
        "one": "مصدر واحد يعمل",
        "two": "مصدران يعملان",
        "few": "{count} مصادر تعمل",
        "many": "{count} مصدرًا يعمل",
        "other": "{count} مصدر يعمل",
    },
    "sources_more": {
        "zero": " …",
        "one": " … ومصدر آخر",
        "two": " … ومصدران آخران",
        "few": " … و{count} مصادر أخرى",
        "many": " … و{count} مصدرًا آخر",
        "other": " … و{count} مصدر آخر",
    },
    "attempts": {
        "zero": "لا محاولات",
        "one": "محاولة واحدة",
        "two": "محاولتان",
        "few": "{count} محاولات",
        "many": "{count} محاولة",
        "other": "{count} محاولة",
    },
    "report_every": {
        "zero": "{count} دقيقة",
        "one": "دقيقة",
        "two": "دقيقتين",
        "few": "{count} دقائق",
        "many": "{count} دقيقة",
        "other": "{count} دقيقة",
    },
    "set_aside": {
        "zero": "⚠️ <b>لا مقالات مستبعدة</b>.",
        "one": "⚠️ <b>استُبعد مقال واحد</b>: لا يمكن استخدام صفّه في قاعدة بيانات الموقع. "
        "تُنشر المقالات الأخرى كالمعتاد، وما يصلحه الموقع يُنشر من تلقاء نفسه.",
        "two": "⚠️ <b>استُبعد مقالان</b>: لا يمكن استخدام صفّيهما في قاعدة بيانات الموقع. "
        "تُنشر المقالات الأخرى كالمعتاد، وما يصلحه الموقع يُنشر من تلقاء نفسه.",
        "few": "⚠️ <b>استُبعدت {count} مقالات</b>: لا يمكن استخدام صفوفها في قاعدة بيانات "
        "الموقع. تُنشر المقالات الأخرى كالمعتاد، وما يصلحه الموقع يُنشر من تلقاء نفسه.",
        "many": "⚠️ <b>استُبعد {count} مقالًا</b>: لا يمكن استخدام صفوفها في قاعدة بيانات "
        "الموقع. تُنشر المقالات الأخرى كالمعتاد، وما يصلحه الموقع يُنشر من تلقاء نفسه.",
        "other": "⚠️ <b>استُبعد {count} مقال</b>: لا يمكن استخدام صفوفها في قاعدة بيانات "
        "الموقع. تُنشر المقالات الأخرى كالمعتاد، وما يصلحه الموقع يُنشر من تلقاء نفسه.",
    },
}

# Month names as `time_at` shows them ("14:05 (27 نوفمبر)").
MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)

# Weekday names as the weekly report shows its days ("الاثنين 24 نوفمبر"), Monday first.
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
