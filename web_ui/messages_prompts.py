"""The Prompts page's words: key -> (English, Simplified Chinese).

Merged into the catalogue at the end of web_ui/messages.py. A prompt is 提示音; a
greeting 欢迎语; the ringback message 彩铃 (what callers hear while a phone rings).
"""

PROMPT_MESSAGES: dict[str, tuple[str, str]] = {
    "nav_prompts": ("Prompts", "提示音"),
    "pr_intro": ("What callers hear: the box's own prompts in Chinese and English, and yours. "
                 "Upload a recording or type a text for the box to speak; yours replace the "
                 "default of the same name. Changes apply from the next call on.",
                 "来电客户听到的语音：本机自带的中英文提示音，以及您自己的提示音。可以上传录音，"
                 "或输入文字由本机朗读；您的提示音会替换同名的默认提示音。修改从下一个来电开始生效。"),
    "pr_settings": ("What the box says", "播放设置"),
    "pr_settings_hint": ("Choose a prompt for each moment, or none.",
                         "为每个场合选择提示音，或不播放。"),
    "pr_language": ("Language of the prompts", "提示音语言"),
    "pr_greeting_open": ("Greeting in office hours", "营业时间欢迎语"),
    "pr_greeting_closed": ("Greeting outside office hours", "非营业时间欢迎语"),
    "pr_greeting_holiday": ("Greeting on holidays", "节假日欢迎语"),
    "pr_ringback": ("Ringback message while a desk phone rings",
                    "座机振铃时给来电者播放的彩铃"),
    "pr_none": ("none", "不播放"),
    "pr_lang_zh": ("Chinese", "中文"),
    "pr_lang_en": ("English", "英文"),
    "pr_list": ("All prompts", "全部提示音"),
    "pr_name": ("Name", "名称"),
    "pr_name_hint": ("a-z, 0-9, _ and -, like welcome or promo_2027",
                     "使用 a-z、0-9、_ 和 -，例如 welcome 或 promo_2027"),
    "pr_says": ("What it says", "内容"),
    "pr_origin": ("Made by", "来源"),
    "pr_origin_owner": ("yours", "自定义"),
    "pr_origin_default": ("built in", "默认"),
    "pr_replaces": ("replaces the built-in one", "已替换默认提示音"),
    "pr_length": ("Length", "时长"),
    "pr_seconds": ("{s} s", "{s} 秒"),
    "pr_listen": ("Listen", "试听"),
    "pr_used_by": ("used: {where}", "使用中：{where}"),
    "pr_delete": ("Delete", "删除"),
    "pr_delete_back": ("Delete (the built-in one plays again)", "删除（恢复默认提示音）"),
    "pr_numbers": ("Numbers (for queue positions and waiting times)",
                   "数字（用于排队位置和等待时间）"),
    "pr_none_yet": ("No prompts in this language yet.", "此语言暂无提示音。"),
    "pr_upload": ("Upload a recording", "上传录音"),
    "pr_upload_hint": ("A WAV or MP3 file, at most {mib} MiB and {minutes} minutes. The box "
                       "converts it for the phone line (8 kHz mono).",
                       "WAV 或 MP3 文件，最大 {mib} MiB、最长 {minutes} 分钟。本机会将其转换为"
                       "电话线路格式（8 kHz 单声道）。"),
    "pr_file": ("Audio file", "音频文件"),
    "pr_upload_button": ("Upload", "上传"),
    "pr_speak": ("Speak a text", "文字转语音"),
    "pr_speak_hint": ("The box speaks the text with its own voice (up to {n} characters).",
                      "本机用合成语音朗读文字（最多 {n} 个字符）。"),
    "pr_text": ("Text", "文字"),
    "pr_speak_button": ("Make the prompt", "生成提示音"),
    "pr_stored": ("The prompt is stored. It plays from the next call on.",
                  "提示音已保存，从下一个来电开始使用。"),
    "pr_deleted": ("The prompt is deleted.", "提示音已删除。"),
    # refused fields, as errors.tpl names them (the API says file, text, name, lang)
    "fld_prompt_file": ("Audio file", "音频文件"),
    "fld_prompt_text": ("Text", "文字"),
    "fld_prompt_name": ("Prompt name", "提示音名称"),
    "fld_prompt_lang": ("Language", "语言"),
    "sec_prompts": ("Prompts", "提示音"),
    "fld_language": ("Language", "语言"),
    "fld_greeting_open": ("Greeting in office hours", "营业时间欢迎语"),
    "fld_greeting_closed": ("Greeting outside office hours", "非营业时间欢迎语"),
    "fld_greeting_holiday": ("Greeting on holidays", "节假日欢迎语"),
    "fld_ringback": ("Ringback message", "彩铃"),
}
