#!/usr/bin/env python3
"""Deterministic generator for the Brightcart sample corpora.

Brightcart is a made-up online retailer (electronics, home goods, apparel, groceries) with an app, web
checkout, courier delivery, returns, refunds, a loyalty programme ("Brightcart Plus"), promo codes and a
support chat. Every sentence, phrase and whole review below was hand-written for this project.

Run ``python corpora/sample/make_sample.py`` (stdlib only, fixed seed). It writes, next to itself:

* ``customers.csv``  customer_id,name,value_tier,country,signup_date,account_id
* ``reviews.csv``    review_id,customer_id,product,stars,created_at,text
* ``chats.jsonl``    one conversation per line
* ``surveys.csv``    response_id,customer_id,submitted_at,nps,comment
* ``BAD_ROWS.md``    the deliberately broken rows and the reject reason each one should get

Output is byte-identical between runs. CSVs are RFC-4180 (csv module, minimal quoting, ``\\n`` line ends);
``reviews.csv`` is deliberately NOT valid UTF-8 on one row (see BAD_ROWS.md).
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20260314
HERE = Path(__file__).resolve().parent
rng = random.Random(SEED)


def lines(block: str) -> list[str]:
    """One hand-written sentence per non-blank line."""
    return [ln.strip() for ln in block.strip().splitlines() if ln.strip()]


# --------------------------------------------------------------------------------------------------
# Products
# --------------------------------------------------------------------------------------------------
PRODUCTS = {
    "electronics": [
        "Aurora wireless earbuds",
        "Nimbus 10,000mAh power bank",
        "Vertex 4K action camera",
        "Pulse fitness tracker",
        "Lumen smart bulb (4-pack)",
        "Orbit bluetooth speaker",
        "Halo noise-cancelling headphones",
        "Zephyr 65W USB-C charger",
        "Quill e-reader",
        'Atlas 27" monitor',
    ],
    "home": [
        "Cedar cast-iron skillet",
        "Breeze tower fan",
        "Willow cotton duvet set",
        "Ember stoneware mug set",
        "Solstice glass kettle",
        "Tidy robot vacuum",
        "Loom knitted throw",
        "Harbor bamboo bath mat",
    ],
    "apparel": [
        "Trailhead rain jacket",
        "Summit running shoes",
        "Marlow denim jacket",
        "Fern linen shirt",
        "Coastline hoodie",
        "Drift wool socks (3-pack)",
        "Alder chino trousers",
    ],
    "grocery": [
        "Brightcart organic coffee beans 1kg",
        "Weekly fruit & veg box",
        "Oat milk 6-pack",
        "Sourdough bread bundle",
        "Family snack box",
    ],
}
PRODUCT_CATEGORY = {p: c for c, ps in PRODUCTS.items() for p in ps}
ALL_PRODUCTS = list(PRODUCT_CATEGORY)

# --------------------------------------------------------------------------------------------------
# Negative sentences by topic (reviews and surveys)
# --------------------------------------------------------------------------------------------------
NEG = {
    "app_crash": lines("""
        The app crashes every time I open the basket.
        Since the last update the app closes itself as soon as I tap on My Orders.
        App froze on the payment screen and I had to force quit it twice.
        The Brightcart app keeps crashing on my Pixel, reinstalling didn't help.
        Honestly the app is unusable on older iPhones, it just spins and then dies.
        Every time I try to track a parcel the app crashes.
        The new version of the app is so buggy, it crashed three times in ten minutes.
        Had to finish the order on the website because the app kept crashing.
        App crashed halfway through my order and I had no idea whether it went through.
        The app is painfully slow and freezes whenever I scroll through results.
        Tapping "track order" gives a white screen and then the app shuts down.
        Version 5.2 of the app is a disaster, it won't even open on my tablet.
        the app just quits on me randomly, lost my basket twice
    """),
    "login_2fa": lines("""
        I can't log in because the 2FA code never arrives.
        The verification text takes ten minutes to show up and by then the code has expired.
        Got locked out of my account after the password reset link didn't work.
        Every time I open the app it asks me to log in again, which is maddening.
        The two-factor code goes to my old phone number and I can't change it without logging in.
        Login loop: enter password, get code, enter code, back to the login screen.
        Face ID login stopped working after the update.
        The security code emails went to spam, then stopped coming at all, so I was locked out for three days.
        Reset my password four times and still couldn't get in.
        Why do I need a one-time code every single time I open the app?
        My account got locked for "suspicious activity" when all I did was log in from my new phone.
    """),
    "checkout_fail": lines("""
        Checkout fails with "something went wrong" every single time.
        My card was declined at checkout even though it works everywhere else.
        The payment page just spins forever and then times out.
        I tried to pay with PayPal and got sent back to an empty basket.
        Checkout kept failing so I gave up and bought it somewhere else.
        Apple Pay doesn't work at checkout, it errors out right after I confirm.
        It took me five attempts to place an order because the payment step kept erroring.
        The address form at checkout won't accept my postcode.
        Couldn't complete checkout on the web or in the app, and I tried two different cards.
        The Place Order button greys out and nothing happens.
        Got "payment could not be authorised" three times, then my bank texted to say it was fine.
        Checkout is broken on Safari, it just reloads the delivery step over and over.
    """),
    "charged_twice": lines("""
        I was charged twice for the same order.
        Two identical payments left my account for one order and nobody can tell me why.
        Got double charged after checkout errored out, and the order only shows once.
        My bank shows three pending charges from Brightcart for a single purchase.
        They took the money twice and I'm still waiting for one of them back.
        Charged twice, refunded once, after two weeks of chasing.
        The checkout failed but my card was charged anyway, twice.
        Duplicate payment on my credit card and the app says I have no orders.
    """),
    "delivery_late": lines("""
        Delivery was a week later than promised.
        Paid for next-day delivery and it arrived five days later.
        The tracking said "out for delivery" for three days straight.
        It was supposed to arrive before the weekend and turned up the following Thursday.
        The delivery estimate kept moving back a day, every day.
        It took almost three weeks to arrive, which is ridiculous for something that was "in stock".
        Arrived late and missed the birthday it was meant for.
        Express shipping is a joke, it came at the same speed as standard.
        G|My grocery order turned up four hours after the slot I booked and the frozen stuff had thawed.
        No delivery, no update, no email, just a date that quietly changed.
        Waited in all day for a delivery that was then rescheduled at 9pm.
        Since they switched couriers everything takes twice as long.
    """),
    "delivery_lost": lines("""
        The parcel was marked as delivered but it never arrived.
        Tracking says delivered and the photo shows a door that isn't mine.
        My package has been "in transit" for three weeks and nobody knows where it is.
        The order got lost somewhere between the depot and my house.
        Nothing arrived and I had to fight to get a replacement.
        The courier claims they left it with a neighbour but none of my neighbours has it.
        Second parcel in a row that has just vanished.
        Order shows as delivered at 14:02, I was home all day and nobody came.
    """),
    "delivery_damaged": lines("""
        The box arrived crushed and the {product} inside was cracked.
        Arrived damaged, it looked like someone had stood on the box.
        The packaging was soaked through and the item was ruined.
        G|Half the eggs were broken and the milk had leaked over everything.
        It came with a dent in the side and scratches all over the top.
        Poor packaging, one thin bag around a glass item, so of course it broke.
        The outer box was fine but the {product} inside was smashed.
        Opened the parcel to find it had clearly been dropped from a height.
    """),
    "courier": lines("""
        The driver threw the parcel over my gate.
        Courier didn't even knock, just left a "sorry we missed you" card while I was sitting at home.
        The delivery guy was rude and refused to bring it to the door.
        The driver left my parcel in the rain on the doorstep.
        The courier left it in the recycling bin, of all places.
        Driver was polite enough but left it at the wrong house.
        The courier marked it as "customer refused" when nobody even rang the bell.
        Watched the driver on my doorbell camera kick the box towards the door.
        The driver asked me to come down four floors to collect it because he "couldn't park".
    """),
    "returns": lines("""
        The return process is a nightmare.
        I printed the return label three times and the courier never came to collect.
        The returns portal keeps saying the item isn't eligible even though it's within 30 days.
        Had to pay for return postage on a faulty item, which isn't right.
        Dropped the return off a month ago and it still shows as "awaiting return".
        They lost my return and now claim I never sent it back.
        There's no drop-off point for returns anywhere near me.
        G|You can't return anything from a grocery order, even when it's clearly off.
        The return label QR code doesn't scan at the drop-off shop.
    """),
    "refund_slow": lines("""
        Still waiting for my refund after six weeks.
        The refund was promised within 5 working days and it's been a month.
        They confirmed the return arrived but the refund never shows up.
        Got store credit instead of the refund I asked for.
        The refund came back short, they kept the delivery charge without telling me.
        Every time I ask about the refund I'm told "it's being processed".
        My refund was approved and then cancelled with no explanation.
        Refund took so long that my card had expired by the time it was issued.
        Sent the item back in perfect condition and still no money two months later.
    """),
    "price": lines("""
        Way overpriced for what it is.
        The price went up by 20% the day after I added it to my basket.
        Found it cheaper on three other sites.
        Delivery charges are ridiculous for such a small item.
        The "sale" price is the same as the normal price was last month.
        The price dropped a week after I bought it and they won't refund the difference.
        G|Prices have crept up all year, the groceries especially.
        Minimum order for free delivery keeps going up.
    """),
    "promo": lines("""
        The promo code wouldn't apply at checkout.
        My discount code said "invalid" even though the email said it's valid until Sunday.
        The 20% welcome code didn't work on anything I actually wanted.
        The promo code was accepted and then quietly removed at the payment step.
        The free shipping code never worked.
        Applied the code, saw the discount, and then got charged full price anyway.
        The birthday voucher expired before it even showed up in my account.
        Half the items are excluded from every promotion, so what's the point of the codes?
    """),
    "loyalty": lines("""
        My Brightcart Plus points disappeared from my account.
        Loyalty points from my last three orders were never added.
        I pay for Brightcart Plus and still got charged for delivery.
        My points expired without any warning.
        Brightcart Plus renewed automatically and nobody told me.
        Couldn't redeem my points at checkout, the option just isn't there.
        The Plus membership used to be worth it, now the perks are mostly gone.
        Points balance shows zero after the app update.
    """),
    "support_slow": lines("""
        Customer service took nine days to reply to my email.
        Waited over an hour in the chat queue.
        Support kept sending me copy-paste answers that didn't address my question.
        I've now explained my problem to four different agents.
        The chat agent closed the conversation while I was still typing.
        Every agent tells me something different.
        They promised to call me back and never did.
        The chatbot just loops and won't let me speak to a human.
        No phone number, just a chatbot and an email form that goes nowhere.
        I had to contact support three times about the same issue before anyone actually did anything.
    """),
    "search": lines("""
        Search is useless, I type "phone charger" and get kettles.
        The recommendations are all things I've already bought.
        Filters reset every time I go back to the results.
        Can't filter by size, which is pretty basic for a clothes shop.
        Search doesn't find products unless you spell the exact name.
        The "you might also like" section keeps pushing baby products at me and I don't have kids.
        Sorting by price doesn't actually sort by price.
    """),
    "notifications": lines("""
        The app sends me push notifications five times a day.
        Far too many marketing emails, and the unsubscribe link doesn't work.
        I turned off notifications in settings and still get them.
        Getting texts about deals at 11pm is not OK.
        Spammed with "your basket misses you" reminders.
        Three emails a day about a sale I have no interest in.
    """),
    "privacy": lines("""
        There's no way to delete my account in the app.
        I asked for my data to be deleted two months ago and I'm still getting emails.
        Why does a shopping app need my location all the time?
        I asked to delete my account and they want me to log in to confirm, which I can't because of the 2FA issue.
        I'm not comfortable with how much data this app collects.
        I got an email meant for another customer with their order details in it.
        Unticked every marketing box and my details were still shared with a "partner".
    """),
}

# Product problems and praise, by product subcategory (reviews only).
SUBCAT = {
    "Aurora wireless earbuds": "audio", "Orbit bluetooth speaker": "audio", "Halo noise-cancelling headphones": "audio",
    "Vertex 4K action camera": "screen", "Quill e-reader": "screen", 'Atlas 27" monitor': "screen",
    "Nimbus 10,000mAh power bank": "power", "Zephyr 65W USB-C charger": "power",
    "Pulse fitness tracker": "smart", "Lumen smart bulb (4-pack)": "smart",
    "Cedar cast-iron skillet": "kitchen", "Ember stoneware mug set": "kitchen", "Solstice glass kettle": "kitchen",
    "Willow cotton duvet set": "textile", "Loom knitted throw": "textile", "Harbor bamboo bath mat": "textile",
    "Breeze tower fan": "appliance", "Tidy robot vacuum": "appliance",
    "Trailhead rain jacket": "clothes", "Marlow denim jacket": "clothes", "Fern linen shirt": "clothes",
    "Coastline hoodie": "clothes", "Drift wool socks (3-pack)": "clothes", "Alder chino trousers": "clothes",
    "Summit running shoes": "shoes",
    "Brightcart organic coffee beans 1kg": "coffee",
    "Weekly fruit & veg box": "fresh", "Oat milk 6-pack": "fresh", "Sourdough bread bundle": "fresh",
    "Family snack box": "fresh",
}
QUALITY_NEG = {
    "audio": lines("""
        The left earbud keeps disconnecting.
        Sound is tinny and the bass is non-existent.
        Noise cancelling barely does anything on the bus.
        Bluetooth drops out whenever my phone is in my back pocket.
        Battery life is nowhere near what's advertised.
        The charging case stopped charging after two weeks.
        There's a constant hiss even with nothing playing.
        Hurt my ears after half an hour, the fit is really awkward.
    """),
    "screen": lines("""
        Dead pixels right in the middle of the screen.
        Backlight bleed in every corner, very noticeable in the dark.
        A firmware update bricked it.
        Stopped working after a month, completely dead.
        It gets really hot after twenty minutes of use.
        Build quality feels cheap and the buttons rattle.
        The stand wobbles every time I type.
    """),
    "power": lines("""
        Stopped charging after two weeks.
        Gets worryingly hot while charging.
        Charges slower than the cheap one it replaced.
        Only gets my phone to full once, not three times as advertised.
        The cable that comes with it is about 30cm long, useless.
        It doesn't fast charge my laptop at all despite the label.
    """),
    "smart": lines("""
        The companion app needs an account just to turn it on.
        Pairing is a nightmare, it forgets my phone every morning.
        Keeps dropping off the wifi.
        Step count is wildly off, it counted 4,000 steps on a car journey.
        Two of them flicker constantly.
        Stopped syncing after the last firmware update.
    """),
    "kitchen": lines("""
        The handle snapped off the first time I used it.
        Rusted within a fortnight.
        It arrived with a chip out of the rim.
        The finish started flaking after a few uses.
        Leaves a weird metallic taste.
        Much smaller than it looks in the pictures.
        The lid doesn't sit properly and it leaks.
    """),
    "textile": lines("""
        It pilled after the first wash.
        The colour is completely different from the photos.
        It smells strongly of chemicals even after airing for a week.
        Much thinner than it looks in the pictures.
        Sheds fluff all over everything.
        The seams started coming apart in the wash.
    """),
    "appliance": lines("""
        It is loud enough to hear from the next room.
        It wobbles, one side is clearly shorter than the other.
        Screws were missing from the box so I couldn't finish assembling it.
        Stopped working after a month.
        The remote stopped working within a week.
        Gets stuck under the sofa every single day.
    """),
    "clothes": lines("""
        The fabric is thin and almost see-through.
        Stitching came apart after two wears.
        The colour ran in the wash and ruined a load of white shirts.
        The zip broke on day one.
        The material feels scratchy and cheap.
        It shrank a full size in a cool wash.
        "Waterproof" lasted about ten minutes of drizzle.
        A button fell off before I'd even worn it.
    """),
    "shoes": lines("""
        The sole started to come away after a month.
        Gave me blisters on the first run.
        They squeak on every step.
        Cushioning went flat within a few weeks.
        The stitching on the toe split after three runs.
    """),
    "coffee": lines("""
        Coffee tasted stale, the roast date was months ago.
        The bag arrived split and there were beans all over the box.
        Very bitter, nothing like the "smooth and chocolatey" description.
    """),
    "fresh": lines("""
        The bananas were already brown when they arrived.
        Bread was out of date the day after delivery.
        They substituted my oat milk with normal milk without asking.
        Avocados rock hard, strawberries mouldy.
        The best-before date was the day of delivery.
        Half the box was missing and there was no note about substitutions.
        The veg box was mostly potatoes this week.
        One of the cartons had burst and soaked everything.
    """),
}

SIZE_NEG = {
    "clothes": lines("""
        Runs at least two sizes small.
        Ordered my usual size and it's huge on me.
        The size chart is way off.
        Sleeves are far too short for the size.
        Fits really oddly around the shoulders.
        The medium is more like an extra small.
        Had to send it back twice to get a size that fits.
    """),
    "shoes": lines("""
        These are half a size smaller than every other pair I own.
        Really narrow, I'd go up a size.
        Ordered my usual size and my heel slips out.
    """),
}

# --------------------------------------------------------------------------------------------------
# Positive and neutral sentences
# --------------------------------------------------------------------------------------------------
QUALITY_POS = {
    "audio": lines("""
        Sound is crisp and the bass is punchy.
        Pairs instantly with my phone.
        Noise cancelling is seriously impressive on the train.
        Comfortable for hours and the battery lasts all week.
        Call quality is great, people say I sound clearer than on my phone.
    """),
    "screen": lines("""
        The screen is bright and really sharp.
        Setup took about two minutes.
        Feels far more premium than the price suggests.
        Colours look great straight out of the box.
        Light enough to hold for hours.
    """),
    "power": lines("""
        Charges my laptop and phone at the same time without breaking a sweat.
        Tiny and charges really fast.
        Gets my phone from flat to full twice over.
        Perfect for travelling, fits in a coat pocket.
    """),
    "smart": lines("""
        The companion app is simple and doesn't nag.
        Set up in minutes and works with my voice assistant.
        Battery easily lasts a week.
        Sleep tracking is surprisingly accurate.
    """),
    "kitchen": lines("""
        Solid and heavy, feels like it will last for years.
        Looks great in the kitchen.
        Cleans up easily.
        Use it every day and it still looks new.
        Really nice weight to it.
    """),
    "textile": lines("""
        Really cosy, the whole family fights over it.
        Washes well and still looks new.
        Exactly the colour in the photos.
        Soft, thick and good quality.
    """),
    "appliance": lines("""
        Quiet enough to leave on overnight.
        Assembly was simple and everything was in the box.
        Does a brilliant job, wish I'd bought one years ago.
        The app for it is actually straightforward.
    """),
    "clothes": lines("""
        Fits true to size.
        The fabric feels lovely and soft.
        Kept me properly dry on a very wet hike.
        Washed it a dozen times and it still looks new.
        Great cut, I've had loads of compliments.
        Finally trousers that are long enough in the leg.
    """),
    "shoes": lines("""
        Comfortable straight out of the box.
        Great grip even on wet pavements.
        Light and springy, my new favourite running shoes.
    """),
    "coffee": lines("""
        The coffee is rich and smooth.
        Fresh roast date and it smells amazing when you open the bag.
    """),
    "fresh": lines("""
        Fruit was fresh and lasted the whole week.
        Everything was well within date.
        Nice to get decent veg without going to the shop.
        Substitutions were sensible and clearly marked.
        Bread was still warm-ish when it arrived, lovely.
    """),
}

POS = {
    "product": lines("""
        Absolutely love the {product}.
        Great quality for the price.
        Does exactly what it says.
        Exceeded my expectations, it feels really well made.
        Best purchase I've made this year.
        Bought a second one as a gift.
        Really happy with the {product}, no complaints at all.
        Would buy again without thinking twice.
    """),
    "delivery": lines("""
        Arrived the next day, well packed.
        Delivery was quick and the driver was really friendly.
        Came two days early!
        The tracking was accurate to the minute.
        The courier put it exactly where I asked in the delivery notes.
        Ordered at 10pm and had it by lunchtime the next day.
        Delivery slot was spot on and the driver even texted when he was five minutes away.
    """),
    "app": lines("""
        The app is easy to use and checkout takes seconds.
        Love the new app design, much cleaner.
        Reordering my usual groceries in the app is super quick.
        Saved cards and Apple Pay make checkout painless.
        Search found exactly what I wanted first time.
        The recommendations are actually useful for once.
    """),
    "support": lines("""
        Support sorted my issue out in five minutes.
        The chat agent was really helpful and refunded me straight away.
        Customer service was friendly and didn't make me jump through hoops.
        Had a problem with an order and the support team fixed it without any fuss.
        The agent actually read my message properly, which made a nice change.
    """),
    "returns": lines("""
        The return was easy and the refund arrived in two days.
        Free returns made it painless to swap sizes.
        Dropped the return at the corner shop and got the refund the same week.
        Returning the faulty one was quick and they sent a replacement straight away.
    """),
    "value": lines("""
        Good value, especially with the promo code.
        Brightcart Plus pays for itself with the free delivery.
        Cheaper than anywhere else I looked.
        My loyalty points covered almost half the price.
        The welcome discount worked first time.
    """),
}

NEUTRAL = lines("""
    Arrived on Tuesday as expected.
    Bought this for my brother.
    It's a {product}. It works.
    This is the second one I've bought.
    Bought it to replace an old one that broke.
    Haven't used it much yet, will update.
    Does the job, nothing special.
    Average. Fine for the price.
    Came in plain packaging.
    Ordered on the app, paid by card.
    Same as the one in the shop.
    It's okay. Probably wouldn't buy again but not bad either.
    Used it for about a month so far.
    Delivered by the usual courier.
""")

NEG_OPENERS = lines("""
    Really disappointed.
    Where do I start.
    Not impressed.
    Avoid.
    Honestly, what a mess.
    I rarely leave reviews but I have to warn people.
    Long-time customer and this was the worst experience yet.
    Ugh.
    Very frustrating experience.
""")
NEG_CLOSERS = lines("""
    Won't be ordering again.
    Going elsewhere from now on.
    Zero stars if I could.
    Sort it out, Brightcart.
    Such a shame, it used to be good.
    Absolutely fuming.
    Never again 😡
    Cancelling my Brightcart Plus.
    Not worth the hassle.
    🙄
""")
POS_OPENERS = lines("""
    Really pleased.
    Five stars from me.
    Love it!
    Great experience overall.
    Very happy customer here.
    Wow.
""")
POS_CLOSERS = lines("""
    Highly recommend.
    Will definitely order again.
    Thanks Brightcart!
    Happy days 😊
    10/10
    Can't fault it 👍
    Keep it up!
    ❤️
""")
MIXED_JOIN = ["But", "However,", "That said,", "Only downside:", "Sadly,", "On the other hand,", "Annoyingly,"]

# --------------------------------------------------------------------------------------------------
# Whole hand-written reviews: (stars, category or None, text)
# --------------------------------------------------------------------------------------------------
WHOLE_REVIEWS = [
    (1, None, "Rubbish. Avoid."),
    (5, None, "Love it!!"),
    (5, None, "Perfect, thanks"),
    (1, None, "Never arrived. Never refunded."),
    (4, None, "Good. Quick delivery."),
    (2, None, "meh, not what i expected"),
    (5, "electronics", "Does what it says on the tin 👍"),
    (1, None, "Oh great, another parcel 'delivered' into my neighbour's bin. Love that for me."),
    (2, None, "Wonderful, the app crashed at checkout again. Third time this week. Really building my confidence in giving you my card details."),
    (1, None, "Fantastic service as always: charged twice, delivered never. Truly a company that goes above and beyond... for itself."),
    (3, None, "Great app but checkout keeps failing. When it works it's brilliant, when it doesn't you've no idea if you've paid."),
    (3, "Aurora wireless earbuds", "Sound quality is excellent and they're comfy for hours. Battery on the case drains on its own though, and the app to update them crashes constantly. Mixed feelings."),
    (5, None, "I was sceptical after reading some reviews, but my order came the next morning, beautifully packed, and when one item was missing the support chat sent a replacement the same day. Can't ask for more than that."),
    (1, None, "I ordered on the 2nd. Tracking said it would be here on the 4th. On the 4th it said the 7th. On the 7th it said \"delayed\". On the 12th it said delivered, but it wasn't. I opened a chat and was told to wait 48 hours. I waited. I opened another chat and was told to wait 48 hours again. Three weeks later I finally got a refund, minus delivery. Never again."),
    (2, "Marlow denim jacket", "The jacket itself looks nice and the colour is exactly as pictured. Unfortunately it comes up really small, I'm normally a medium and the large is tight across the chest. Returning it was a pain too because the label wouldn't print from the app. Would have kept it in the right size."),
    (4, "Weekly fruit & veg box", "Veg box is great most weeks, really fresh and a good mix. Knocked off a star because the substitutions can be odd (swapped spinach for a cabbage??) but overall I'm happy."),
    (5, "Cedar cast-iron skillet", "This skillet is a beast. Seasoned it once and it's basically non-stick now. Arrived well packaged too, which I was worried about given the weight."),
    (1, "Aurora wireless earbuds", "Worked for 3 weeks then just died. Won't turn on, won't charge. Return portal says 'not eligible' because it's a 'personal audio item'. So I'm stuck with a €90 paperweight."),
    (3, None, "Fine. Took a while to arrive but it's fine."),
    (4, "Orbit bluetooth speaker", "Solid little speaker, surprisingly loud. Wish it came with a proper charger rather than just a cable."),
    (2, None, "The product is fine, it's everything else. Two failed payments, a promo code that vanished, and a delivery that came a week late. I shouldn't have to work this hard to give you money."),
    (5, None, "Brightcart Plus has honestly changed how I shop. Free next-day on everything, the points add up fast, and support actually picks up. Worth every penny."),
    (1, None, "Locked out of my account for a WEEK because the 2FA text never arrives. Support told me to 'try again later'. I have orders in progress I can't see. Ridiculous."),
    (3, "Breeze tower fan", "Looks lovely, but the fan is louder than I expected on the highest setting. Fine for the living room, not for the bedroom."),
    (2, None, "Please stop sending me notifications. I get it, there's a sale. There is ALWAYS a sale."),
    (4, "Summit running shoes", "Comfy shoes, good grip. The box arrived a bit battered but the shoes were fine."),
    (1, "grocery", "Half my shopping was missing, the other half was near its date. Refund for the missing items took 10 days. At this point I'm paying for the privilege of being disappointed."),
    (5, "Halo noise-cancelling headphones", "Best headphones I've owned. Noise cancelling on the tube is unreal. Delivery was next day and the driver was lovely."),
    (3, None, "It's alright. App is nice, prices are a bit higher than elsewhere. Delivery is hit and miss depending on which courier you get."),
    (2, 'Atlas 27" monitor', "Sent back the first one because of a dead pixel. The replacement has two. The refund is now 'in progress' for the third week. I just want a monitor that works 😩"),
    (5, None, "Quick, easy, cheap. What more do you want"),
    (1, None, "I asked you to delete my account in April. It is now June and I still get your emails. That is not how data protection works."),
    (4, None, "Returned a pair of jeans, refund in 3 days. Pleasantly surprised tbh."),
    (2, "Willow cotton duvet set", "Duvet is soft but it smelled weird out of the packet and needed three washes. Also, why does a duvet set need a 4-day delivery window?"),
    (5, "Brightcart organic coffee beans 1kg", "these coffee beans are sooo good, ordered them 4 times now"),
    (1, None, "Your courier left my parcel on the pavement outside a block of flats. Unsurprisingly it was gone by the time I got home. Your support says it's the courier's fault, the courier says it's your fault. Meanwhile I have no parcel and no refund."),
    (3, "Pulse fitness tracker", "Tracker is accurate for steps, useless for sleep. App syncs when it feels like it."),
    (4, None, "Much better than last year. The app doesn't crash anymore and delivery seems to have sorted itself out. Promo codes still a bit fiddly."),
    (2, None, "Searched for 'kids raincoat' and the first page was adult umbrellas and a toaster. I gave up and went to a shop."),
    (1, None, "I was charged £64.99 twice. I have the bank statement. Your team has asked me for the bank statement four times. I have sent it four times."),
    (5, "Tidy robot vacuum", "Robot vacuum is a game changer with two dogs. Maps the house properly and the app is really straightforward."),
    (4, "Quill e-reader", "Great e-reader, lovely screen. Only gripe is the case is sold separately."),
    # non-English (given to customers from ES / DE / FR)
    (1, "ES", "El pedido llegó con una semana de retraso y la caja estaba rota. Nadie del servicio al cliente me ha contestado todavía."),
    (5, "ES", "Muy buena calidad y llegó al día siguiente. ¡Repetiré sin duda!"),
    (2, "DE", "Die App stürzt beim Bezahlen ständig ab und mir wurde der Betrag doppelt abgebucht. Sehr ärgerlich."),
    (4, "DE", "Schnelle Lieferung, gute Qualität. Nur die Rücksendung war etwas umständlich."),
    (1, "FR", "Toujours pas remboursé après un mois. Le service client ne répond plus. Je déconseille."),
]

# --------------------------------------------------------------------------------------------------
# Survey comments
# --------------------------------------------------------------------------------------------------
SURVEY_PROMOTER = lines("""
    Fast delivery and easy returns, what more could you want.
    Always reliable, I do most of my shopping here now.
    Brightcart Plus is great value.
    Would recommend to friends and family.
    The app is really easy to use.
    Support helped me quickly when an order went wrong.
    Great prices, especially with the member discounts.
    Never had a problem in three years of ordering.
    Love the grocery delivery, saves me hours every week.
    Good range, good prices, quick delivery.
    Everything just works.
    Refund was sorted within a couple of days, very impressed.
    Friendly drivers and always on time.
    Easy.
    Great service!!
    Best online shop I use, by a mile.
    Customer service went out of their way to help me.
    Love the points, I got a free pair of headphones with them last month.
    Ordering is so quick now with saved cards.
""")
SURVEY_PASSIVE = lines("""
    Mostly good, the odd late delivery.
    Fine, but the app could be faster.
    Decent prices, delivery is a bit hit and miss.
    Good products but returns take too long.
    OK overall. Too many emails.
    Usually good, but I had a bad experience with a refund recently.
    The app is nice, checkout sometimes fails though.
    Happy with most things, search could be better.
    No real complaints, nothing amazing either.
    Good when it works.
    It's fine.
    Promo codes are confusing, otherwise fine.
    Would be a 10 if delivery was more reliable.
    Support is friendly but slow.
""")
SURVEY_DETRACTOR = lines("""
    Used to be great, it's gone downhill this year.
    Too many problems with deliveries lately.
    I'm still waiting for a refund from two months ago.
    Customer service is hopeless.
    The app is so buggy since the update.
    Constant payment errors, I've given up using the app.
    Prices keep going up and the service keeps getting worse.
    Nobody takes responsibility when a parcel goes missing.
    I have contacted support five times about the same problem.
    Terrible. Just terrible.
    Can't log in, can't get help, can't delete my account.
    Every order this year has had something wrong with it.
    The new courier is awful.
    Charged twice and had to chase for weeks.
""")
SURVEY_NON_EN = [
    (9, "ES", "Todo perfecto, entrega rápida y buen precio."),
    (3, "DE", "Kundenservice reagiert nicht, Erstattung fehlt seit Wochen."),
    (8, "FR", "Bonne application, mais la livraison est parfois en retard."),
]

# --------------------------------------------------------------------------------------------------
# Chats
# --------------------------------------------------------------------------------------------------
AGENTS = ["Priya", "Tom", "Lucía", "Marcus", "Aisha", "Ben", "Chloe", "Daniel", "Fatima", "Jonas", "Mei", "Rachel",
          "Sam", "Olu", "Hannah", "Kofi"]

# Lines are "issue|text"; a Conv takes its issue from the opening line and only uses check/fix/stall/restate
# lines for that issue or untagged (generic) ones, so the agent answers the problem that was raised.
CHAT = {
    "refund": {
        "team": "Billing",
        "open": lines("""
            late|Hi, I returned a jacket three weeks ago and still haven't had my refund.
            late|Where is my refund? Your warehouse received the return ages ago.
            late|I was told my refund would take 5 days, it's been 19.
            late|hello i need help with a refund that never came through
            bank|Your email says my refund has been issued but there's nothing in my bank account.
            partial|I got a partial refund, the delivery charge is missing.
            credit|Why did I get store credit? I asked for my money back.
        """),
        "restate": lines("""
            I want the refund for order {order}, it's been weeks.
            the refund for {order} still isn't in my account.
            partial|the delivery charge on {order} still hasn't been refunded.
            credit|I want my money back, not a voucher.
        """),
        "check": lines("""
            late|I can see the return arrived at our warehouse on the {day}th, but the refund hasn't been released yet.
            late|Thanks, I can see the refund was raised but it's stuck at the payment stage.
            late|It looks like the return was logged against the wrong order, which is why the refund didn't trigger.
            bank|I can see the refund was issued on our side on the {day}th; banks can take up to 5 working days to show it.
            partial|I can see the item was refunded but the delivery charge was left off, which it shouldn't have been.
            credit|I can see the refund was set to store credit, which is the default on the returns form.
        """),
        "fix": lines("""
            late|I've pushed the refund through manually, you should see {amount} back on your card within 3-5 working days.
            late|I've corrected the order reference and released the refund, you'll get a confirmation email shortly.
            bank|I've sent you the refund reference number by email, your bank can trace the payment with it.
            partial|I've refunded the delivery charge of {amount} to your original payment method just now.
            credit|I've cancelled the store credit and refunded {amount} to your card instead.
        """),
        "stall": lines("""
            I've raised this with our finance team as a priority and they'll update you within 48 hours.
            Unfortunately I can't see why it's delayed, so I've escalated it to my team leader.
            I'm afraid I'm unable to release refunds over a certain amount myself, I've passed it to the team who can.
        """),
    },
    "delivery": {
        "team": "Delivery Claims",
        "open": lines("""
            lost|My parcel says delivered but it isn't here.
            lost|Tracking shows a photo of a door that's not mine.
            late|Hi, my order was due yesterday and the tracking hasn't moved in four days.
            late|Where is my order? It was supposed to be next day delivery.
            late|My grocery delivery didn't turn up in my slot and I've had no message.
            rain|The courier left my parcel outside in the rain and everything's soaked.
            address|The driver said he couldn't find my address. I've lived here 12 years.
        """),
        "restate": lines("""
            lost|The parcel for {order} has NOT arrived.
            lost|I'm telling you it was not delivered here.
            late|order {order} is still not here
            late|it was meant to be next day and it's been almost a week.
            rain|the parcel was left in the rain and the contents are ruined.
            address|there is nothing wrong with my address.
        """),
        "check": lines("""
            lost|I can see the courier marked it as delivered at {time}, with a photo.
            lost|I can see the driver recorded it as left in a safe place.
            late|It looks like the parcel was held at the local depot due to a missed scan.
            late|The tracking shows it was handed to our courier partner on the {day}th, but there have been no scans since.
            rain|Thanks for the photos, I can see the parcel was recorded as left on the doorstep.
            address|I can see the driver marked it as "address not found" at {time}.
        """),
        "fix": lines("""
            lost|I've arranged a replacement to be sent out on next-day delivery at no cost.
            lost|I've refunded the order in full and opened an investigation with the courier.
            late|I've refunded your delivery charge and added 500 Plus points as an apology for the delay.
            late|The depot has confirmed it'll be out for delivery tomorrow morning, and I've refunded the express shipping.
            rain|I've arranged replacements for the damaged items and logged a complaint against the driver.
            address|I've added delivery notes and a what3words location to your address, and rebooked delivery for tomorrow.
        """),
        "stall": lines("""
            lost|We need to wait 48 hours from the delivery scan before we can open a claim with the courier.
            lost|Could you check with your neighbours and any safe places in the meantime?
            I've opened an investigation with the courier; they normally respond within 3 working days.
        """),
    },
    "payment": {
        "team": "Billing",
        "open": lines("""
            dup|I've been charged twice for the same order.
            dup|Hi, there are two payments of {amount} on my statement and only one order.
            failpaid|Checkout failed but the money has left my account.
            failpaid|PayPal took the money and the order says payment failed.
            decline|My card keeps getting declined at checkout but it works everywhere else.
            decline|The payment page keeps timing out, can you place the order for me?
        """),
        "restate": lines("""
            dup|I was charged TWICE for order {order}.
            dup|two payments, one order. {order}.
            failpaid|the money has left my account and there's no order.
            decline|I just want to pay for my order and your checkout won't let me.
        """),
        "check": lines("""
            dup|I can see both payments on order {order}. That shouldn't have happened, I'm sorry.
            dup|The second charge is an authorisation hold, it should drop off automatically within 5-7 days.
            failpaid|I can see one successful payment and one authorisation that failed on our side.
            failpaid|I can see the payment was taken but the order didn't complete because the session timed out.
            decline|I can see several failed payment attempts on your account from this morning.
            decline|It looks like our payment provider flagged the attempts because the billing address didn't match.
        """),
        "fix": lines("""
            dup|I've refunded the duplicate charge of {amount}, you'll get an email confirmation now.
            dup|I've voided the second authorisation, so your bank should release it within a couple of days.
            failpaid|I've placed the order for you with the same items and delivery date, no further payment needed.
            failpaid|I've refunded the payment of {amount} in full, so you can place the order again when you're ready.
            decline|I've cleared the block, could you try the payment again now?
            decline|I've sent you a secure payment link by email, that should go through without the checkout.
        """),
        "stall": lines("""
            dup|Pending transactions are controlled by your bank, so I'm afraid we can't cancel them from our side.
            dup|Could you send us a screenshot of your bank statement showing both charges?
            failpaid|I've flagged this to our payments team and they'll investigate within 2-3 working days.
            decline|I'm afraid I can't take card details over chat, you'll need to try the checkout again later.
        """),
    },
    "account": {
        "team": "Account Security",
        "open": lines("""
            code|I can't log in, the 2FA code never arrives.
            code|I changed my phone number and now I can't get the verification code.
            lock|My account is locked and the reset email isn't coming through.
            lock|I keep getting "too many attempts" when I try to log in.
            logout|The app keeps logging me out every time I close it.
        """),
        "restate": lines("""
            code|I can't log in. The code doesn't arrive.
            code|no code has arrived. nothing. not in spam either.
            I still don't have access to my account.
            logout|it logged me out AGAIN.
        """),
        "check": lines("""
            lock|I can see several code requests on your account in the last hour, which has triggered a temporary lock.
            code|I can see your account has an old mobile number ending in {digits} for verification.
            code|It looks like the verification messages are being blocked by your mobile network.
            lock|It looks like the reset emails are bouncing back from your address.
            logout|Thanks. We've had a few reports of this since the last update, it's to do with the saved login token.
        """),
        "fix": lines("""
            lock|I've cleared the lock and sent a new password reset link, it's valid for 30 minutes.
            code|I've updated your verification to your email address, could you try logging in now?
            code|I've reset your two-factor settings, you'll be asked to set it up again when you log in.
            logout|If you update to the latest version and log in once more it should remember you now.
        """),
        "stall": lines("""
            code|For security reasons I'm not able to change the phone number on the account over chat.
            Our security team will need to verify your identity, which can take up to 48 hours.
            lock|Please wait 24 hours for the lock to expire and then try again.
        """),
    },
    "app": {
        "team": "Technical Support",
        "open": lines("""
            The app crashes as soon as I open my basket.
            Since the update the app won't open at all on my phone.
            The app freezes on the payment screen every time.
            hi, app keeps crashing when i try to track my order
            I can't see my order history in the app, it's just a blank screen.
        """),
        "restate": lines("""
            It still crashes.
            The app is still crashing, I've done everything you said.
            same thing, it closes straight away
        """),
        "check": lines("""
            Could you tell me which phone and which version of the app you're using? You'll find it under Settings > About.
            Thanks. We're aware of an issue affecting that version on some Android devices.
            Could you try logging out, clearing the app cache and logging back in?
        """),
        "fix": lines("""
            Our developers have just released a fix in version 5.2.1, could you update the app and try again?
            In the meantime you can complete your order on our website, your basket is saved to your account.
            I've passed the crash details to our tech team and placed the order for you manually.
        """),
        "stall": lines("""
            I've logged this with our technical team, but I'm afraid I don't have a timeframe for a fix.
            I've raised a ticket with our developers. Please use the website in the meantime.
            Reinstalling the app usually clears this, could you try that first?
        """),
    },
    "returns": {
        "team": "Returns",
        "open": lines("""
            elig|How do I return something? The portal says my item isn't eligible.
            collect|The courier never came to collect my return.
            label|My return label won't print.
            await|I dropped my return off two weeks ago and it still says "awaiting return".
            faulty|I need to return faulty headphones but I don't want to pay postage.
        """),
        "restate": lines("""
            I need to return order {order}.
            await|The return for {order} was dropped off on the {day}th, I have the receipt.
            faulty|It's faulty. I shouldn't have to pay to send it back.
            collect|nobody came to collect it. again.
        """),
        "check": lines("""
            elig|I can see the item is marked as a final-sale item, which is why the portal won't accept it.
            collect|I can see the collection was booked but the courier didn't attempt it.
            await|I can see the drop-off scan from the {day}th, so it's on its way to our warehouse.
            label|I can see the label was generated, it sometimes fails to download in the app.
            faulty|Thanks, I can see the order. As it's developed a fault, you won't need to pay for the return.
        """),
        "fix": lines("""
            faulty|I've created a free return label for you, it's in your inbox now.
            label|I've emailed the label to you as a PDF, you can also just show the QR code at the drop-off point.
            collect|I've rebooked the collection for tomorrow between 8am and 6pm.
            await|I've processed the refund now based on the drop-off receipt, so you don't have to wait for the warehouse.
            elig|I've made an exception and opened a return for you, the label is in your inbox.
        """),
        "stall": lines("""
            await|Returns are normally processed within 14 days of arriving at our warehouse.
            I've asked the returns team to look into it; they'll email you within 3 working days.
            elig|Unfortunately that item is outside the returns window.
        """),
    },
    "promo": {
        "team": "Billing",
        "open": lines("""
            invalid|My promo code isn't working.
            invalid|The 20% off code from your email says invalid.
            removed|I used a discount code but got charged full price.
            sale|Why doesn't my welcome code work on sale items?
        """),
        "restate": lines("""
            The code doesn't work.
            removed|I still got charged full price for {order}.
        """),
        "check": lines("""
            invalid|I can see the code has a minimum spend, and your basket is just under it.
            sale|That code excludes items that are already on sale, I'm sorry that wasn't clearer in the email.
            removed|It looks like the code was applied but removed when the delivery option changed.
        """),
        "fix": lines("""
            removed|I've refunded the difference of {amount} as a goodwill gesture.
            I've applied a new code to your account that works on your current basket.
            invalid|I've added the discount to your order, you'll see the adjusted amount in your confirmation email.
        """),
        "stall": lines("""
            removed|I'm afraid we can't apply codes retrospectively.
            invalid|Unfortunately that code has expired and I'm not able to reactivate it.
            sale|I'm afraid sale items are excluded from all codes.
        """),
    },
    "loyalty": {
        "team": "Loyalty",
        "open": lines("""
            points|My Brightcart Plus points have disappeared.
            points|I didn't get points for my last order.
            fee|I was charged for delivery even though I pay for Plus.
            renew|My Plus membership renewed and I wanted to cancel it.
        """),
        "restate": lines("""
            points|My points are still missing.
            points|I had over 3,000 points and now I have zero.
            fee|I pay for Plus. Delivery should be free.
            renew|I want to cancel Plus and get my money back.
        """),
        "check": lines("""
            points|I can see the points were removed when the order was partially refunded.
            points|Points can take up to 7 days after delivery to appear.
            fee|I can see your Plus membership lapsed for a day when the card payment failed.
            renew|I can see it renewed on the {day}th and you haven't used any Plus benefits since.
        """),
        "fix": lines("""
            points|I've added the missing points back, they should show in the app now.
            fee|I've refunded the delivery charge and fixed your Plus status.
            renew|I've cancelled the renewal and refunded the membership fee in full.
        """),
        "stall": lines("""
            I've asked the loyalty team to investigate, they'll be in touch within 5 working days.
            points|Unfortunately expired points can't be reinstated.
        """),
    },
    "product": {
        "team": "Returns",
        "open": lines("""
            faulty|The earbuds I bought have stopped charging after two weeks.
            faulty|The kettle I received leaks from the bottom.
            damaged|My order arrived damaged, the screen is cracked.
            wrong|I got the wrong size and the wrong colour.
            missing|Half my grocery order was missing.
        """),
        "restate": lines("""
            faulty|the item is faulty, I need a replacement
            damaged|It's broken. It arrived broken.
            wrong|it's the wrong item, I ordered a medium in navy.
            missing|I paid for items I never received.
        """),
        "check": lines("""
            faulty|I'm sorry to hear that. Could you send a photo of the item and the packaging?
            damaged|Thanks for the photos, that's definitely not the condition it should have arrived in.
            missing|I can see the picker marked those items as out of stock but the substitution note wasn't added.
            wrong|I can see it was picked from the wrong shelf at the warehouse, I'm sorry about that.
        """),
        "fix": lines("""
            faulty|I've arranged a replacement on next-day delivery, and the courier will collect the faulty one at the same time.
            damaged|I've sent a replacement out today and you don't need to return the damaged one.
            missing|I've refunded the missing items, {amount} in total, back to your card.
            wrong|I've sent out the correct item today and you can keep the wrong one.
        """),
        "stall": lines("""
            faulty|As it's been more than 30 days, this will need to go through the manufacturer's warranty.
            I've passed this to our quality team, they'll decide on a replacement within 5 days.
        """),
    },
    "privacy": {
        "team": "Privacy",
        "open": lines("""
            delete|I want my account and all my data deleted.
            delete|I asked for my data to be deleted a month ago and I'm still getting emails.
            delete|Please close my account.
            share|How do I stop you sharing my data with partners?
        """),
        "restate": lines("""
            delete|I want my account deleted. Everything.
            delete|Delete my data please. I've asked before.
            share|I do not want my data shared with anyone.
        """),
        "check": lines("""
            delete|I can see an open deletion request from last month that hasn't been completed.
            delete|To confirm, deleting your account will also remove your Plus points and order history.
            share|I can see partner sharing is switched on under your marketing preferences.
        """),
        "fix": lines("""
            delete|I've submitted the deletion request, it will be completed within 30 days and you'll get a confirmation email.
            share|I've unsubscribed you from all marketing and turned off partner sharing on your account.
        """),
        "stall": lines("""
            Requests like this have to be handled by our privacy team, who will respond within 30 days.
            delete|I'm afraid I can't delete the account while there's an open order on it.
        """),
    },
}
CHAT_TOPIC_WEIGHTS = {"refund": 16, "delivery": 20, "payment": 14, "account": 9, "app": 9, "returns": 9,
                      "promo": 6, "loyalty": 6, "product": 10, "privacy": 4}

C_THANKS = lines("""
    Brilliant, thank you so much!
    That's great, thanks for sorting it so quickly.
    Perfect, thanks 😊
    Oh amazing, thank you!
    Thanks, appreciate it.
    Lovely, that's all I needed. Thank you.
    Great, thanks {agent}!
    wow that was quick, thanks
""")
C_OK = lines("""
    Ok.
    Fine, I'll wait then.
    Ok, and how long will that take?
    Right. Will I get an email?
    Ok thanks.
    I'll try that.
    Fine.
""")
C_ANGRY = lines("""
    That's what the last person said.
    This is ridiculous, I've been waiting weeks.
    So basically nothing is going to happen.
    I don't want to wait another 48 hours, I want this sorted now.
    Why can't you just fix it now?
    Seriously? This is the worst customer service I've ever had.
    I've already done all of that.
    Can I speak to a manager please.
    You're not listening to me.
    I'm going to dispute the charge with my bank if this isn't sorted today.
""")
C_ALREADY = ["As I said, {restate}", "I already told you, {restate}", "Again: {restate}",
             "I've explained this already. {restate}", "Like I said before, {restate}"]
C_REPEAT_OPEN = {
    2: lines("""
        This is the second time I'm contacting you about this.
        Me again. I was here a couple of days ago about the same problem.
        I spoke to someone on {weekday} and was promised an update that never came.
    """),
    3: lines("""
        This is the third time I'm contacting you about the same thing.
        Third chat this week about this. Nothing has happened.
        I've now contacted you three times and I'm still waiting.
    """),
}
C_BACK = lines("""
    Hello?? It's been hours.
    Any update? I've been waiting all afternoon.
    Is anyone there?
    Still waiting...
""")
C_DETAIL = lines("""
    The order number is {order}.
    It's {order}.
    Order {order}, I paid by card.
    {order}
    It's order {order}, placed on the {day}th.
    Sure, {order}. The email is on the account.
""")

A_GREET = lines("""
    Hi {cname}, thanks for contacting Brightcart, my name is {agent}. I'm sorry to hear that, could you share your order number so I can take a look?
    Hello {cname}, you're chatting with {agent}. Sorry about this! Can I take your order number please?
    Hi there, {agent} here. Thanks for your patience while you waited. Could you confirm the order number for me?
    Hi {cname}, I'm {agent} and I'll be helping you today. Let me look into this, what's the order number?
""")
A_GREET_QUICK = lines("""
    Hi {cname}, {agent} here. I've found your order and taken care of that for you.
    Hello {cname}, I'm {agent}. Thanks for flagging it, I can sort that straight away.
""")
A_HOLD = lines("""
    Thanks, bear with me a moment while I check.
    One moment please, I'm just looking into this.
    Thank you. Give me two minutes to look at the order history.
""")
A_SORRY = lines("""
    I completely understand your frustration and I'm sorry this has happened.
    I'm really sorry for the inconvenience caused.
    I'm sorry you've had to contact us again about this, that shouldn't have happened.
    I do understand, and I apologise that it's taken this long.
""")
A_CLOSE = lines("""
    Is there anything else I can help with today?
    Thanks for your patience, have a lovely day!
    Glad I could help. Take care!
    You're welcome! Thanks for shopping with Brightcart.
""")
A_TRANSFER = lines("""
    I'm going to transfer you to our {team} team, who can action this for you. Please stay in the chat.
    This needs to be handled by {team}, I'll pass you over now with all the details.
    I'll transfer you to a colleague in {team} who has the right access. It may take a few minutes.
""")
A_INTRO = lines("""
    Hi {cname}, this is {agent} from the {team} team. I've read through the chat so far.
    Hello, {agent} from {team} here. Thanks for waiting, let me pick this up.
    Hi {cname}, {agent} in {team}. I can see what's happened, give me a moment.
""")
A_AWAY = lines("""
    I need to check this with our warehouse, I'll update you here as soon as I hear back.
    I'm waiting on a response from the team, I'll come back to you in this chat.
""")
A_BACK = lines("""
    Thanks for waiting, I've now heard back from the team.
    Sorry for the wait, I have an update for you.
""")
A_REPEAT_ACK = lines("""
    I can see your previous chats about this, I'm sorry it still isn't resolved.
    I've read the notes from your earlier contact. Let me make sure this gets sorted today.
""")

# --------------------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------------------
FIRST = {
    "en": ["Olivia", "Jack", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Mia", "Leo", "Grace", "Oscar",
           "Emily", "Ethan", "Chloe", "Liam", "Sophie", "Mason", "Ruby", "Lucas", "Hannah", "Caleb", "Zara", "Finn",
           "Maya", "Owen", "Priya", "Omar", "Aaliyah", "Dev", "Niamh", "Ciaran", "Tyler", "Jasmine", "Marcus", "Erin"],
    "de": ["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Johanna", "Tobias", "Katrin"],
    "es": ["Lucía", "Mateo", "Sofía", "Javier", "Carmen", "Diego", "Elena", "Pablo"],
    "fr": ["Camille", "Hugo", "Chloé", "Louis", "Manon", "Théo", "Inès"],
    "nl": ["Daan", "Sanne", "Bram", "Fleur", "Sem"],
}
LAST = {
    "en": ["Whitfield", "Okafor", "Harrington", "Patel", "Nguyen", "Brennan", "Castellano", "Fairbairn", "Moreau",
           "Ashdown", "Kowalski", "Lindqvist", "Abbott", "Delaney", "Mbeki", "Sato", "Pemberton", "Quinlan",
           "Rahman", "Thorne", "Vance", "Ellery", "Gallagher", "Hollis", "Iqbal", "Jarvis", "Kerrigan", "Lyle",
           "Marsh", "Novak", "Oduya", "Prescott", "Redfern", "Sinclair", "Tate", "Underwood", "Winslow", "Yardley"],
    "de": ["Becker", "Hoffmann", "Krüger", "Schäfer", "Wagner", "Lehmann", "Vogel", "Brandt"],
    "es": ["García", "Fernández", "Moreno", "Ruiz", "Navarro", "Ortega", "Delgado"],
    "fr": ["Laurent", "Bernard", "Fontaine", "Girard", "Rousseau", "Mercier"],
    "nl": ["de Vries", "Jansen", "Bakker", "Visser", "van Dijk"],
}
COUNTRY_LANG = {"US": "en", "GB": "en", "CA": "en", "AU": "en", "IE": "en", "DE": "de", "ES": "es", "FR": "fr",
                "NL": "nl"}
COUNTRY_WEIGHTS = {"US": 30, "GB": 28, "CA": 8, "AU": 7, "IE": 6, "DE": 9, "ES": 6, "FR": 6, "NL": 4}
CURRENCY = {"GB": "£", "US": "$", "CA": "$", "AU": "$", "IE": "€", "DE": "€", "ES": "€", "FR": "€", "NL": "€"}
# B2B accounts: (account_id, country) - corporate buyers with several users each
ACCOUNTS = [("A001", "GB"), ("A002", "US"), ("A003", "DE"), ("A004", "US"), ("A005", "IE"), ("A006", "AU")]
N_CUSTOMERS = 172
N_B2B = 26

# Month multipliers per topic: the app 5.2 release broke checkout/app in March-April; a new courier partner
# from July made deliveries worse in Jul-Aug; a refunds backlog hit September.
MONTH_BOOST = {
    "app_crash": {3: 3.0, 4: 2.5},
    "checkout_fail": {3: 3.0, 4: 2.5},
    "charged_twice": {3: 2.0, 4: 2.0},
    "delivery_late": {7: 3.0, 8: 3.0},
    "delivery_lost": {7: 2.5, 8: 2.5},
    "courier": {7: 2.5, 8: 2.5},
    "refund_slow": {9: 3.0, 10: 2.0},
    "returns": {9: 1.8},
    "notifications": {11: 1.0},
}
NEG_TOPIC_WEIGHTS = {
    "app_crash": 6, "login_2fa": 5, "checkout_fail": 6, "charged_twice": 4, "delivery_late": 7, "delivery_lost": 5,
    "delivery_damaged": 5, "courier": 4, "returns": 5, "refund_slow": 6, "price": 4, "promo": 4, "loyalty": 4,
    "support_slow": 5, "search": 3, "notifications": 3, "privacy": 3, "quality": 10, "size": 4,
}
TOPIC_TO_CHAT = {"app_crash": "app", "login_2fa": "account", "checkout_fail": "payment", "charged_twice": "payment",
                 "delivery_late": "delivery", "delivery_lost": "delivery", "delivery_damaged": "product",
                 "courier": "delivery", "returns": "returns", "refund_slow": "refund", "promo": "promo",
                 "loyalty": "loyalty", "privacy": "privacy"}

START = date(2026, 1, 1)
END = date(2026, 10, 31)
SPAN_DAYS = (END - START).days


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------
class Deck:
    """Draw from a pool without repeats until it is exhausted, then reshuffle: spreads reuse evenly."""

    def __init__(self, items):
        self.items = list(items)
        self.left: list = []

    def draw(self):
        if not self.left:
            self.left = self.items[:]
            rng.shuffle(self.left)
        return self.left.pop()


_decks: dict[tuple, Deck] = {}


def pick(pool):
    key = tuple(pool)
    if key not in _decks:
        _decks[key] = Deck(pool)
    return _decks[key].draw()


def typo(text: str) -> str:
    """Add one or two realistic slips to a text."""
    kind = rng.random()
    if kind < 0.2:
        return text.lower()
    if kind < 0.35:
        return text.replace("'", "")
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not idx:
        return text
    for _ in range(rng.choice([1, 1, 2])):
        i = rng.choice(idx)
        w = words[i]
        j = rng.randrange(1, len(w) - 2)
        if rng.random() < 0.6:
            w = w[:j] + w[j + 1] + w[j] + w[j + 2:]  # swap neighbours
        else:
            w = w[:j] + w[j + 1:]  # drop a letter
        words[i] = w
    return " ".join(words)


def maybe_typo(text: str, p: float = 0.09) -> str:
    return typo(text) if rng.random() < p else text


def random_day() -> date:
    return START + timedelta(days=rng.randrange(SPAN_DAYS + 1))


def neg_topic_for(month: int, allowed=None) -> str:
    names = [t for t in NEG_TOPIC_WEIGHTS if allowed is None or t in allowed]
    weights = [NEG_TOPIC_WEIGHTS[t] * MONTH_BOOST.get(t, {}).get(month, 1.0) for t in names]
    return rng.choices(names, weights)[0]


def neg_sentence(topic: str, product: str | None) -> str:
    sub = SUBCAT.get(product or "", None)
    if topic == "quality":
        s = pick(QUALITY_NEG[sub or rng.choice(list(QUALITY_NEG))])
    elif topic == "size":
        s = pick(SIZE_NEG[sub if sub in SIZE_NEG else "clothes"])
    else:
        pool = NEG[topic]
        if product is not None and PRODUCT_CATEGORY[product] != "grocery":
            pool = [x for x in pool if not x.startswith("G|")]
        s = pick(pool)
    s = s.removeprefix("G|")
    return s.replace("{product}", product or "item")


def fill_product(s: str, product: str | None) -> str:
    return s.replace("{product}", product or "thing")


def order_no() -> str:
    return f"BC-{rng.randrange(1000000, 9999999)}"


def money(country: str) -> str:
    return f"{CURRENCY[country]}{rng.randrange(8, 240)}.{rng.choice(['00', '49', '99', '95', '50'])}"


# --------------------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------------------
def make_customers():
    used = set()
    rows = []
    b2b_slots = []
    for i, (acc, _) in enumerate(ACCOUNTS):
        b2b_slots += [acc] * [6, 5, 4, 4, 4, 3][i]
    b2b_positions = set(rng.sample(range(N_CUSTOMERS), len(b2b_slots)))
    b2b_iter = iter(b2b_slots)
    acc_country = dict(ACCOUNTS)
    for n in range(1, N_CUSTOMERS + 1):
        acc = next(b2b_iter) if (n - 1) in b2b_positions else ""
        country = acc_country[acc] if acc else rng.choices(list(COUNTRY_WEIGHTS), list(COUNTRY_WEIGHTS.values()))[0]
        lang = COUNTRY_LANG[country]
        while True:
            name = f"{rng.choice(FIRST[lang])} {rng.choice(LAST[lang])}"
            if rng.random() < 0.25 and lang != "en":  # mixed households / expats
                name = f"{rng.choice(FIRST['en'])} {rng.choice(LAST[lang])}"
            if name not in used:
                used.add(name)
                break
        tier = rng.choices(["low", "medium", "high"], [2, 5, 5] if acc else [5, 4, 2])[0]
        signup = date(2021, 1, 1) + timedelta(days=rng.randrange((date(2026, 9, 30) - date(2021, 1, 1)).days))
        rows.append({"customer_id": f"C{n:04d}", "name": name, "value_tier": tier, "country": country,
                     "signup_date": signup.isoformat(), "account_id": acc})
    return rows


class CustomerPicker:
    """Gives out customer ids so most customers get 2-8 items across channels and a few get many."""

    def __init__(self, customers):
        self.customers = customers
        self.by_id = {c["customer_id"]: c for c in customers}
        ids = [c["customer_id"] for c in customers]
        self.heavy = set(rng.sample(ids, 7))
        self.pool: list[str] = []
        self._refill()

    def _refill(self):
        pool = []
        for c in self.customers:
            cid = c["customer_id"]
            k = rng.randint(14, 22) if cid in self.heavy else rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7])
            pool += [cid] * k
        rng.shuffle(pool)
        self.pool = pool

    def next(self) -> str:
        if not self.pool:
            self._refill()
        return self.pool.pop()

    def from_country(self, country: str) -> str:
        ids = [c["customer_id"] for c in self.customers if c["country"] == country]
        return rng.choice(ids)

    def first_name(self, cid: str) -> str:
        return self.by_id[cid]["name"].split(" ")[0]


# --------------------------------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------------------------------
def compose_review(product: str, month: int) -> tuple[int, str]:
    cat = PRODUCT_CATEGORY[product]
    sub = SUBCAT[product]
    mood = rng.choices(["pos", "neg", "mixed", "neutral"], [34, 34, 22, 10])[0]
    parts: list[str] = []
    if mood == "pos":
        stars = rng.choices([5, 4], [3, 2])[0]
        if rng.random() < 0.25:
            parts.append(pick(POS_OPENERS))
        pools = [QUALITY_POS[sub], POS["product"], POS["delivery"], POS["app"], POS["support"], POS["returns"],
                 POS["value"]]
        weights = [5, 3, 3, 1, 1, 1, 1]
        chosen = []
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            pool = rng.choices(pools, weights)[0]
            s = fill_product(pick(pool), product)
            if s not in chosen:
                chosen.append(s)
        parts += chosen
        if rng.random() < 0.35:
            parts.append(pick(POS_CLOSERS))
    elif mood == "neg":
        stars = rng.choices([1, 2], [3, 2])[0]
        if rng.random() < 0.25:
            parts.append(pick(NEG_OPENERS))
        allowed = set(NEG_TOPIC_WEIGHTS) - ({"size"} if cat != "apparel" else set())
        topics = [neg_topic_for(month, allowed)]
        if rng.random() < 0.45:
            topics.append(neg_topic_for(month, allowed))
        for t in topics:
            for _ in range(rng.choice([1, 1, 2])):
                s = neg_sentence(t, product)
                if s not in parts:
                    parts.append(s)
        if rng.random() < 0.3 and stars == 1:
            parts.append(pick(NEG_CLOSERS))
    elif mood == "mixed":
        stars = rng.choices([3, 2, 4], [5, 2, 2])[0]
        good_pool = rng.choice([QUALITY_POS[sub], QUALITY_POS[sub], POS["app"], POS["delivery"]])
        good = fill_product(pick(good_pool), product)
        allowed = set(NEG_TOPIC_WEIGHTS) - ({"size"} if cat != "apparel" else set())
        if good_pool is QUALITY_POS[sub]:
            allowed -= {"quality", "size"}  # don't praise and pan the same product quality in one breath
        bad = neg_sentence(neg_topic_for(month, allowed), product)
        join = rng.choice(MIXED_JOIN)
        if " but " in bad:
            join = rng.choice(["Only downside:", "Sadly,", "Annoyingly,"])
        bad_l = bad[0].lower() + bad[1:] if not bad.startswith(("I ", "I'", "Brightcart", "Apple", "Face")) else bad
        if rng.random() < 0.5:
            parts = [good, f"{join} {bad_l}"]
        else:
            parts = [bad, f"{rng.choice(['Still,', 'On the plus side,', 'Otherwise'])} "
                          f"{good[0].lower() + good[1:]}"]
    else:
        stars = rng.choices([3, 4, 2], [6, 2, 1])[0]
        parts = [fill_product(pick(NEUTRAL), product)]
        if rng.random() < 0.6:
            parts.append(fill_product(pick(NEUTRAL), product))
    text = " ".join(parts)
    if len(parts) >= 4 and rng.random() < 0.3:  # paragraph break in some longer reviews
        cut = rng.randrange(1, len(parts))
        text = " ".join(parts[:cut]) + "\n\n" + " ".join(parts[cut:])
    text = maybe_typo(text)
    if rng.random() < 0.04:  # a few star ratings that don't match the words (mis-taps, sarcasm, 'five stars for the courier')
        stars = 6 - stars
    return stars, text


def make_reviews(picker: CustomerPicker, n_valid: int):
    rows = []
    whole = list(WHOLE_REVIEWS)
    rng.shuffle(whole)
    for stars, tag, text in whole:
        d = random_day()
        if tag in ("ES", "DE", "FR"):
            cid = picker.from_country(tag)
            product = rng.choice(ALL_PRODUCTS)
        elif tag in PRODUCT_CATEGORY:
            cid, product = picker.next(), tag
        else:
            cid = picker.next()
            product = rng.choice(PRODUCTS[tag]) if tag else rng.choice(ALL_PRODUCTS)
        rows.append([cid, product, stars, d, text])
    while len(rows) < n_valid:
        d = random_day()
        product = rng.choice(ALL_PRODUCTS)
        stars, text = compose_review(product, d.month)
        rows.append([picker.next(), product, stars, d, text])
    rows.sort(key=lambda r: (r[3], r[0]))
    return rows


# --------------------------------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------------------------------
def survey_comment(nps: int, month: int) -> str:
    if nps >= 9:
        parts = [pick(SURVEY_PROMOTER)]
        if rng.random() < 0.35:
            parts.append(fill_product(pick(rng.choice([POS["delivery"], POS["app"], POS["value"], POS["support"],
                                                       POS["returns"]])), None))
    elif nps >= 7:
        if rng.random() < 0.55:
            parts = [pick(SURVEY_PASSIVE)]
        else:
            good = pick(rng.choice([POS["delivery"], POS["app"], POS["value"], SURVEY_PROMOTER]))
            bad = neg_sentence(neg_topic_for(month, set(NEG) - {"privacy"}), None)
            parts = [good, f"{rng.choice(['Only issue:'] if ' but ' in bad else ['But', 'Although', 'Only issue:'])} {bad[0].lower() + bad[1:]}"
                     if not bad.startswith(("I ", "I'")) else bad]
    else:
        parts = []
        if rng.random() < 0.45:
            parts.append(pick(SURVEY_DETRACTOR))
        for _ in range(rng.choice([1, 1, 2]) if parts else rng.choice([1, 2, 2, 3])):
            s = neg_sentence(neg_topic_for(month, set(NEG)), None)
            if s not in parts:
                parts.append(s)
        if rng.random() < 0.15:
            parts.append(pick(NEG_CLOSERS))
    return maybe_typo(" ".join(parts), 0.08)


def make_surveys(picker: CustomerPicker, n_valid: int):
    rows = []
    for nps, country, text in SURVEY_NON_EN:
        rows.append([picker.from_country(country), random_dt(), nps, text])
    while len(rows) < n_valid:
        cid = picker.next()
        at = random_dt()
        band = rng.choices(["pro", "pas", "det"], [36, 28, 36])[0]
        nps = {"pro": rng.choice([9, 10, 10, 9, 10]), "pas": rng.choice([7, 8]),
               "det": rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 6, 6])}[band]
        if rng.random() < 0.15:
            comment = ""
        else:
            comment = survey_comment(nps, at.month)
            if rng.random() < 0.03:  # score and words disagree (scale confusion)
                nps = 10 - nps
        rows.append([cid, at, nps, comment])
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


def random_dt() -> datetime:
    d = random_day()
    return datetime(d.year, d.month, d.day, rng.randrange(6, 23), rng.randrange(60), 0)


def iso_z(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------------
# Chats
# --------------------------------------------------------------------------------------------------
class Conv:
    def __init__(self, cid: str, topic: str, start: datetime, country: str, cname: str):
        self.cid, self.topic, self.start, self.country, self.cname = cid, topic, start, country, cname
        self.now = start
        self.turns: list[dict] = []
        self.agent = rng.choice(AGENTS)
        self.order = order_no()
        self.t = CHAT[topic]
        self.issue = "*"

    def lines_for(self, key: str) -> list[str]:
        pool = [x for x in self.t[key] if "|" not in x or x.split("|", 1)[0] == self.issue]
        return [x.split("|", 1)[-1] for x in pool]

    def open_line(self) -> str:
        line = pick(self.t["open"])
        if "|" in line:
            self.issue, line = line.split("|", 1)
        return line

    def pick_for(self, *keys: str) -> str:
        return pick([x for k in keys for x in self.lines_for(k)])

    def fill(self, s: str) -> str:
        return (s.replace("{order}", self.order).replace("{agent}", self.agent).replace("{cname}", self.cname)
                .replace("{team}", self.t["team"]).replace("{amount}", money(self.country))
                .replace("{day}", str(rng.randrange(4, 28))).replace("{digits}", f"{rng.randrange(100, 999)}")
                .replace("{time}", f"{rng.randrange(8, 20)}:{rng.randrange(60):02d}")
                .replace("{weekday}", rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])))

    def say(self, speaker: str, text: str, gap: int | None = None):
        if self.turns:
            if gap is None:
                gap = rng.randrange(25, 200) if speaker == "customer" else rng.randrange(20, 150)
            self.now += timedelta(seconds=gap)
        text = self.fill(text)
        if speaker == "customer":
            text = maybe_typo(text, 0.08)
        self.turns.append({"speaker": speaker, "text": text, "at": iso_z(self.now)})

    def restate(self) -> str:
        r = self.fill(self.pick_for("restate"))
        return r[0].lower() + r[1:] if not r.startswith(("I ", "I'")) else r

    def record(self) -> dict:
        return {"customer_id": self.cid, "started_at": iso_z(self.start), "topic": self.topic, "turns": self.turns}


def chat_quick(c: Conv):
    c.say("customer", c.open_line())
    c.say("agent", pick(A_GREET_QUICK) + " " + c.pick_for("fix"))
    if rng.random() < 0.85:
        c.say("customer", pick(C_THANKS))
    if rng.random() < 0.5:
        c.say("agent", pick(A_CLOSE))


def chat_standard(c: Conv, resolved: bool = True):
    c.say("customer", c.open_line())
    c.say("agent", pick(A_GREET))
    c.say("customer", pick(C_DETAIL))
    c.say("agent", pick(A_HOLD))
    c.say("agent", c.pick_for("check"), gap=rng.randrange(60, 300))
    if resolved:
        c.say("agent", c.pick_for("fix"))
        c.say("customer", pick(C_THANKS + C_OK))
        c.say("agent", pick(A_CLOSE))
    else:
        c.say("agent", c.pick_for("stall"))
        c.say("customer", pick(C_ANGRY + C_OK))
        c.say("agent", pick(A_SORRY) + " " + pick(A_CLOSE))


def chat_transfer(c: Conv):
    c.say("customer", c.open_line())
    c.say("agent", pick(A_GREET))
    c.say("customer", pick(C_DETAIL))
    c.say("agent", pick(A_HOLD))
    c.say("agent", pick(A_TRANSFER), gap=rng.randrange(60, 240))
    c.say("system", f"Chat transferred to {c.t['team']} team", gap=5)
    c.agent = rng.choice([a for a in AGENTS if a != c.agent])
    c.say("agent", pick(A_INTRO), gap=rng.randrange(120, 900))
    if rng.random() < 0.6:
        c.say("customer", rng.choice(["Do I have to explain everything again?", "Ok. ",
                                      "Hi. So as I told your colleague, "]) + c.restate())
    c.say("agent", c.pick_for("check"))
    c.say("agent", c.pick_for("fix") if rng.random() < 0.75 else c.pick_for("stall"))
    c.say("customer", pick(C_THANKS + C_OK + C_ANGRY[:4]))
    if rng.random() < 0.6:
        c.say("agent", pick(A_CLOSE))


def chat_frustrated(c: Conv, long_gap: bool):
    c.say("customer", c.open_line())
    c.say("agent", pick(A_GREET))
    c.say("customer", pick(C_DETAIL))
    c.say("agent", c.pick_for("check"), gap=rng.randrange(90, 400))
    c.say("customer", pick(C_ALREADY).replace("{restate}", c.restate()))
    c.say("agent", pick(A_SORRY) + " " + c.pick_for("stall"))
    c.say("customer", pick(C_ANGRY))
    if long_gap:
        c.say("agent", pick(A_AWAY))
        if rng.random() < 0.5:
            c.say("customer", pick(C_BACK), gap=rng.randrange(2 * 3600, 6 * 3600))
            c.say("agent", pick(A_BACK) + " " + c.pick_for("fix", "stall"), gap=rng.randrange(600, 3 * 3600))
        else:
            c.say("agent", pick(A_BACK) + " " + c.pick_for("fix", "stall"), gap=rng.randrange(3 * 3600, 9 * 3600))
        c.say("customer", pick(C_OK + C_ANGRY), gap=rng.randrange(60, 1800))
    else:
        c.say("customer", pick(C_ALREADY).replace("{restate}", c.restate()))
        c.say("agent", c.pick_for("stall"))
        c.say("customer", pick(C_ANGRY))
    if rng.random() < 0.5:
        c.say("agent", pick(A_CLOSE))
    if rng.random() < 0.3:
        c.say("system", rng.choice(["Customer left the chat", "Chat closed due to inactivity"]), gap=rng.randrange(60, 600))


def chat_repeat_series(picker: CustomerPicker, cid: str, topic: str) -> list[Conv]:
    """Two or three contacts about the same unresolved issue within a few days."""
    n = rng.choice([2, 3, 3])
    cust = picker.by_id[cid]
    start = datetime.combine(random_day(), datetime.min.time()).replace(hour=rng.randrange(8, 20))
    if start.month == 10 and start.day > 20:
        start -= timedelta(days=12)
    order = order_no()
    convs = []
    issue = "*"
    for k in range(1, n + 1):
        c = Conv(cid, topic, start + timedelta(minutes=rng.randrange(60)), cust["country"], picker.first_name(cid))
        c.order = order
        if k == 1:
            chat_standard(c, resolved=False)
            issue = c.issue
        else:
            c.issue = issue
            c.say("customer", pick(C_REPEAT_OPEN[min(k, 3)]) + " " + c.restate())
            c.say("agent", pick(A_REPEAT_ACK))
            c.say("customer", f"The order number is {order}. " + ("Nobody has done anything." if k == 2 else
                                                                 "I'm losing patience."))
            c.say("agent", c.pick_for("check"), gap=rng.randrange(60, 300))
            if k == n:
                if rng.random() < 0.6:
                    c.say("agent", pick(A_TRANSFER))
                    c.say("system", f"Chat transferred to {c.t['team']} team", gap=4)
                    c.agent = rng.choice([a for a in AGENTS if a != c.agent])
                    c.say("agent", pick(A_INTRO), gap=rng.randrange(120, 600))
                c.say("agent", c.pick_for("fix"))
                c.say("customer", rng.choice(["Finally. Thank you.", f"Thank you. It shouldn't have taken {'two' if n == 2 else 'three'} chats.",
                                              "Ok, thanks. I hope that's the end of it."]))
            else:
                c.say("agent", pick(A_SORRY) + " " + c.pick_for("stall"))
                c.say("customer", pick(C_ANGRY))
        convs.append(c)
        start += timedelta(days=rng.randrange(1, 4), hours=rng.randrange(-3, 4))
    return convs


def check_chat_pools() -> None:
    for topic, t in CHAT.items():
        for line in t["open"]:
            issue = line.split("|", 1)[0] if "|" in line else "*"
            for key in ("restate", "check", "fix", "stall"):
                ok = [x for x in t[key] if "|" not in x or x.split("|", 1)[0] == issue]
                assert ok, (topic, issue, key)


def make_chats(picker: CustomerPicker, n_valid: int) -> list[dict]:
    check_chat_pools()
    convs: list[Conv] = []
    topics = list(CHAT_TOPIC_WEIGHTS)
    weights = list(CHAT_TOPIC_WEIGHTS.values())
    # repeat-contact series first
    for _ in range(9):
        cid = picker.next()
        convs += chat_repeat_series(picker, cid, rng.choices(topics, weights)[0])
    while len(convs) < n_valid:
        cid = picker.next()
        d = random_day()
        # topics follow the same seasonal problems as the reviews
        neg = neg_topic_for(d.month, set(TOPIC_TO_CHAT))
        topic = TOPIC_TO_CHAT[neg] if rng.random() < 0.6 else rng.choices(topics, weights)[0]
        start = datetime(d.year, d.month, d.day, rng.randrange(7, 23), rng.randrange(60), 0)
        c = Conv(cid, topic, start, picker.by_id[cid]["country"], picker.first_name(cid))
        kind = rng.choices(["quick", "standard", "unresolved", "transfer", "frustrated", "gap"],
                           [22, 26, 10, 18, 12, 12])[0]
        if kind == "quick":
            chat_quick(c)
        elif kind == "standard":
            chat_standard(c)
        elif kind == "unresolved":
            chat_standard(c, resolved=False)
        elif kind == "transfer":
            chat_transfer(c)
        else:
            chat_frustrated(c, long_gap=(kind == "gap"))
        convs.append(c)
    # a few customers paste their email address or phone (realistic PII in free text)
    for c, pii in zip(rng.sample(convs, 3), ["my email is jo.whitfield.home@example.com",
                                             "you can reach me on 07700 900123",
                                             "account email: m.becker-2019@example.org"]):
        for t in c.turns:
            if t["speaker"] == "customer":
                t["text"] = t["text"].rstrip() + f" ({pii})"
                break
    recs = [c.record() for c in convs]
    for r in recs:
        assert 2 <= len(r["turns"]) <= 14, len(r["turns"])
        assert any(t["speaker"] == "customer" for t in r["turns"])
    recs.sort(key=lambda r: (r["started_at"], r["customer_id"]))
    return recs


# --------------------------------------------------------------------------------------------------
# Writing, with the deliberately bad rows
# --------------------------------------------------------------------------------------------------
BAD_BYTES_MARKER = "@@BAD_BYTES@@"


def long_log() -> str:
    out = []
    i = 0
    while sum(len(x) + 1 for x in out) < 200_000:
        i += 1
        out.append(f"2026-04-0{1 + i % 9}T10:{i % 60:02d}:{(i * 7) % 60:02d}Z ERROR checkout-svc[{4000 + i % 17}]: "
                   f"PaymentGatewayTimeout order=BC-{5550000 + i} attempt={1 + i % 3} retry_in=2s trace=ab{i:06x}")
    return "My checkout keeps failing, here is what the app showed me:\n" + "\n".join(out)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    data = data.replace(BAD_BYTES_MARKER.encode(), b"caf\xe9 \xff\xfe")  # invalid UTF-8 on purpose
    path.write_bytes(data)


def main() -> None:
    customers = make_customers()
    picker = CustomerPicker(customers)
    bad: list[tuple[str, int, str, str]] = []  # file, row, what, reason

    # ---- reviews
    reviews = make_reviews(picker, 330)
    out = [[None, r[0], r[1], r[2], r[3].isoformat(), r[4]] for r in reviews]
    ins = []  # (position among valid rows, row, what, reason)
    cid = lambda: picker.next()  # noqa: E731
    p = lambda: rng.choice(ALL_PRODUCTS)  # noqa: E731
    ins.append((23, [None, cid(), p(), 1, "2026-02-03", ""], "text is the empty string", "empty_text"))
    ins.append((61, [None, cid(), p(), 3, "2026-02-21", "   \n  "], "text is only whitespace", "empty_text"))
    ins.append((88, [None, "", p(), 2, "2026-03-09", "Checkout failed twice and then the app logged me out."],
                "customer_id is empty", "missing_id"))
    ins.append((117, ["", cid(), p(), 4, "2026-04-02", "Nice and quick, no complaints."],
                "review_id is empty", "missing_id"))
    ins.append((150, [None, cid(), p(), 2, "14/31/2026", "The zip broke within a week."],
                "created_at is `14/31/2026` (no month 14)", "bad_date"))
    ins.append((183, [None, cid(), p(), 5, "yesterday", "Arrived early, works perfectly."],
                "created_at is `yesterday`", "bad_date"))
    ins.append((214, [None, cid(), p(), 1, "2026-06-11",
                      f"Charger stopped working after a week, bought it at the {BAD_BYTES_MARKER} and regret it."],
                "text contains raw bytes `\\xe9 \\xff\\xfe` (not valid UTF-8; the only such row in the file)",
                "bad_encoding"))
    ins.append((240, [None, cid(), "Zephyr 65W USB-C charger", 1, "2026-04-07", long_log()],
                "text is a ~200 KB pasted log (limit 20,000 chars)", "text_too_long"))
    ins.append((300, ["DUP", cid(), p(), 5, "2026-09-02", "Second review with a reused id. Great kettle though."],
                "review_id repeats an earlier row's id (first occurrence is valid)", "duplicate_id"))
    rows_out = []
    bad_rev = []
    ins_by_pos = {pos: (row, what, reason) for pos, row, what, reason in ins}
    for i, r in enumerate(out):
        if i in ins_by_pos:
            rows_out.append(ins_by_pos[i][0])
            bad_rev.append((len(rows_out), ins_by_pos[i]))
        rows_out.append(r)
    n = 0
    for r in rows_out:
        if r[0] is None:
            n += 1
            r[0] = f"R{n:04d}"
    dup_target = rows_out[41][0]
    for r in rows_out:
        if r[0] == "DUP":
            r[0] = dup_target
    for line, (row, what, reason) in bad_rev:
        if reason == "duplicate_id":
            what = f"review_id `{row[0]}` repeats data row 42 (first occurrence is valid)"
        bad.append(("reviews.csv", line, f"`{row[0] or '(empty)'}`: {what}", reason))
    write_csv(HERE / "reviews.csv", ["review_id", "customer_id", "product", "stars", "created_at", "text"], rows_out)

    # ---- surveys
    surveys = make_surveys(picker, 330)
    s_out = [[None, r[0], iso_z(r[1]), r[2], r[3]] for r in surveys]
    s_ins = {
        40: ([None, "", "2026-02-12T18:20:00Z", 2, "Still waiting for my refund."], "customer_id is empty",
             "missing_id"),
        121: (["", cid(), "2026-04-19T08:05:00Z", 9, "Quick delivery, good prices."], "response_id is empty",
              "missing_id"),
        199: ([None, cid(), "2026-07-01T12:44:00Z", 11, "Best shop ever!!!"], "nps is 11 (range is 0-10)",
              "bad_value"),
        265: ([None, cid(), "2026-08-22T20:10:00Z", "ten", "Love the app."], "nps is the word `ten`", "bad_value"),
    }
    srows = []
    bad_srv = []
    for i, r in enumerate(s_out):
        if i in s_ins:
            srows.append(s_ins[i][0])
            bad_srv.append((len(srows), s_ins[i]))
        srows.append(r)
    n = 0
    for r in srows:
        if r[0] is None:
            n += 1
            r[0] = f"S{n:04d}"
    for line, (row, what, reason) in bad_srv:
        bad.append(("surveys.csv", line, f"`{row[0] or '(empty)'}`: {what}", reason))
    write_csv(HERE / "surveys.csv", ["response_id", "customer_id", "submitted_at", "nps", "comment"], srows)

    # ---- chats
    chats = make_chats(picker, 118)
    for i, c in enumerate(chats, 1):
        c["conversation_id"] = f"CH{i:04d}"
    ordered = [{"conversation_id": c["conversation_id"], "customer_id": c["customer_id"],
                "started_at": c["started_at"], "topic": c["topic"], "turns": c["turns"]} for c in chats]
    jl = [json.dumps(c, ensure_ascii=False) for c in ordered]
    n_ok = len(jl)
    # bad lines
    bad_json = ('{"conversation_id": "CH9001", "customer_id": "C0012", "started_at": "2026-05-14T09:12:00Z", '
                '"topic": "delivery", "turns": [{"speaker": "customer", "text": "my parcel is lost", '
                '"at": "2026-05-14T09:12:00Z"}, {"speaker": "agent", "text": "Sorry to hear that')
    silent = {"conversation_id": "CH9002", "customer_id": picker.next(), "started_at": "2026-06-20T16:40:00Z",
              "topic": "payment", "turns": [
                  {"speaker": "system", "text": "Chat started from the order page", "at": "2026-06-20T16:40:00Z"},
                  {"speaker": "agent", "text": "Hi, thanks for contacting Brightcart, my name is Ben. How can I help?",
                   "at": "2026-06-20T16:41:10Z"},
                  {"speaker": "agent", "text": "Are you still there?", "at": "2026-06-20T16:46:30Z"},
                  {"speaker": "system", "text": "Chat closed due to inactivity", "at": "2026-06-20T16:56:30Z"}]}
    no_id = {"customer_id": picker.next(), "started_at": "2026-08-03T11:02:00Z", "topic": "refund", "turns": [
        {"speaker": "customer", "text": "Where is my refund? It's been three weeks.", "at": "2026-08-03T11:02:00Z"},
        {"speaker": "agent", "text": "I'm sorry about the wait, let me check that for you.",
         "at": "2026-08-03T11:03:05Z"}]}
    for pos, line, what, reason in sorted([
        (29, bad_json, "line is not valid JSON (truncated mid-string)", "malformed_row"),
        (63, json.dumps(silent, ensure_ascii=False), "`CH9002`: conversation has no customer turns (only system and agent)",
         "empty_text"),
        (97, json.dumps(no_id, ensure_ascii=False), "no `conversation_id` key", "missing_id"),
    ]):
        jl.insert(pos - 1, line)
        bad.append(("chats.jsonl", pos, what, reason))
    (HERE / "chats.jsonl").write_text("\n".join(jl) + "\n", encoding="utf-8")

    # ---- customers
    with open(HERE / "customers.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["customer_id", "name", "value_tier", "country", "signup_date", "account_id"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(customers)

    # ---- BAD_ROWS.md
    md = ["# Deliberately bad rows in the sample corpora", "",
          "Generated by `make_sample.py`; do not edit by hand. Row numbers: CSV data rows counted 1-based "
          "excluding the header (a quoted field may span several physical lines, so this is the record number, "
          "not the line number); JSONL lines counted 1-based. Each bad row has exactly one defect.", "",
          "| file | row/line | what is wrong | expected reason |", "|---|---|---|---|"]
    for file, row, what, reason in bad:
        md.append(f"| {file} | {row} | {what} | `{reason}` |")
    md += ["", f"Totals: reviews.csv {len(rows_out)} rows ({len(bad_rev)} bad), surveys.csv {len(srows)} rows "
               f"({len(bad_srv)} bad), chats.jsonl {len(jl)} lines (3 bad), customers.csv {len(customers)} rows (0 bad).",
           "", "Not bad (must be accepted): survey rows with an empty `comment` (an NPS with no comment); reviews "
               "whose stars disagree with the words; texts in Spanish, German or French; chats that contain an email "
               "address or phone number; chat `system` turns.", ""]
    (HERE / "BAD_ROWS.md").write_text("\n".join(md), encoding="utf-8")
    print(f"reviews {len(rows_out)} (bad {len(bad_rev)}), surveys {len(srows)} (bad {len(bad_srv)}), "
          f"chats {len(jl)} (bad 3, valid {n_ok}), customers {len(customers)}")


if __name__ == "__main__":
    main()
